import { Global, Inject, Injectable, Module, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { ServicePeerGuard } from '@onair/service-tls';

const GRPC_ALLOWED_CLIENTS = Symbol('GrpcAllowedClients');

/**
 * The gRPC API's callers: only the services given to GrpcPeersModule.forRoot (their
 * certificates' CN; a service reads them from its GRPC_ALLOWED_CLIENTS).
 */
@Injectable()
export class GrpcPeerGuard implements CanActivate {
  private readonly guard: ServicePeerGuard;

  constructor(@Inject(GRPC_ALLOWED_CLIENTS) allowed: string[]) {
    this.guard = new ServicePeerGuard(allowed);
  }

  canActivate(context: ExecutionContext): boolean {
    return this.guard.canActivate(context);
  }
}

/** Makes the allowed callers known to every gRPC controller of the app (see GrpcController). */
@Global()
@Module({})
export class GrpcPeersModule {
  static forRoot(allowedClients: string[]): DynamicModule {
    return {
      module: GrpcPeersModule,
      providers: [{ provide: GRPC_ALLOWED_CLIENTS, useValue: allowedClients }, GrpcPeerGuard],
      exports: [GRPC_ALLOWED_CLIENTS, GrpcPeerGuard],
    };
  }
}
