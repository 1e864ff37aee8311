import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { meter } from './telemetry.js';

type Next = (err?: unknown) => void;

/**
 * Express-style middleware: one SERVER span per HTTP request, continuing the caller's W3C
 * trace context, answering with a `traceparent` header so clients can find the trace, and
 * recording request durations for `/metrics`. Spans are made here rather than by
 * auto-instrumentation so they exist under any module loader (tests included).
 */
export function httpTracing(serviceName: string) {
  const duration = meter(serviceName).createHistogram('http_server_duration_ms', {
    description: 'HTTP request duration',
    unit: 'ms',
  });
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const started = performance.now();
    const parent = propagation.extract(context.active(), req.headers);
    const path = (req.url ?? '/').split('?')[0];
    const span = trace.getTracer('onair').startSpan(
      `${req.method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': path } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    const { traceId, spanId, traceFlags } = span.spanContext();
    res.setHeader('traceparent', `00-${traceId}-${spanId}-0${traceFlags.toString(16)}`);
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      duration.record(performance.now() - started, {
        method: req.method ?? '',
        status: String(res.statusCode),
      });
    });
    context.with(active, () => next());
  };
}
