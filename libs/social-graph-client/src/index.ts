export {
  CircleNotFoundError,
  SOCIAL_GRAPH_PROTO,
  SocialGraphClient,
  type CircleMembersPage,
  type IdStreamOptions,
  type SocialGraphClientOptions,
} from './social-graph.client.js';
