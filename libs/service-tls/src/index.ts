export { peerServiceName, ServiceTls, type ServiceTlsFiles } from './service-tls.js';
export { ServiceNotAllowedError, ServicePeerGuard } from './service-peer.guard.js';
