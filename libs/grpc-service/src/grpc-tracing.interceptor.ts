import type { Metadata } from '@grpc/grpc-js';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { extractTraceContext, SpanKind, withSpan } from '@onair/telemetry';
import { Observable } from 'rxjs';

/**
 * One server span per gRPC call, continuing the caller's trace (W3C `traceparent` in the
 * metadata), named `<package.Service>/<Method>` as OpenTelemetry's RPC conventions say. The
 * handler runs inside the span, so its queries are children of it; for a server stream the
 * span lasts until the last page is written.
 */
@Injectable()
export class GrpcTracingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const metadata = context.switchToRpc().getContext<Metadata>();
    const call = context.getArgByIndex<{ getPath?: () => string } | undefined>(2);
    const name = call?.getPath?.().replace(/^\//, '') ?? context.getHandler().name;
    const [service, method] = name.split('/');
    const carrier = {
      traceparent: header(metadata, 'traceparent'),
      tracestate: header(metadata, 'tracestate'),
    };
    return new Observable((subscriber) => {
      withSpan(
        name,
        // Subscribing inside the span runs the (deferred) handler in its context.
        () =>
          new Promise<void>((resolve, reject) =>
            next
              .handle()
              .subscribe({ next: (value) => subscriber.next(value), error: reject, complete: resolve }),
          ),
        {
          parent: extractTraceContext(carrier),
          kind: SpanKind.SERVER,
          attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method },
        },
      ).then(
        () => subscriber.complete(),
        (err) => subscriber.error(err),
      );
    });
  }
}

function header(metadata: Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}
