export { startTelemetry, telemetry, meter, type Telemetry, type TelemetryOptions } from './telemetry.js';
export { withSpan, injectTraceContext, extractTraceContext, activeTraceId, SpanKind, type SpanOptions } from './spans.js';
export { httpTracing } from './http-tracing.middleware.js';
export { JsonLogger } from './json-logger.js';
