export { GrpcController } from './grpc-controller.decorator.js';
export { ERROR_CODE_TRAILER, GrpcErrorFilter } from './grpc-error.filter.js';
export { GrpcPeerGuard, GrpcPeersModule } from './grpc-peers.js';
export { parseRequest, type Plain } from './grpc-request.js';
export { grpcServerOptions, type GrpcServerSettings } from './grpc-server-options.js';
export { GrpcTracingInterceptor } from './grpc-tracing.interceptor.js';
export { writeStream } from './server-stream.js';
