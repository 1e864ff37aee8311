import { applyDecorators, Controller, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcErrorFilter } from './grpc-error.filter.js';
import { GrpcPeerGuard } from './grpc-peers.js';
import { GrpcTracingInterceptor } from './grpc-tracing.interceptor.js';

/**
 * `@Controller()` for gRPC handlers: errors mapped to gRPC statuses, one span per call, only
 * the allowed services let through (the app imports GrpcPeersModule.forRoot).
 * Attached to the controller rather than globally because a microservice connected to the
 * HTTP app registers its handlers at once, before a global filter could be added.
 */
export const GrpcController = () =>
  applyDecorators(
    Controller(),
    UseFilters(new GrpcErrorFilter()),
    UseInterceptors(new GrpcTracingInterceptor()),
    UseGuards(GrpcPeerGuard),
  );
