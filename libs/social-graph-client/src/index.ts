export { SOCIAL_GRAPH_PROTO, SocialGraphClient, type SocialGraphClientOptions } from './social-graph.client.js';
