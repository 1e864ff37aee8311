import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint; when empty nothing is exported. */
  otlpEndpoint?: string;
  /** Keep finished spans in memory so tests can read them. */
  captureSpans?: boolean;
}

export interface Telemetry {
  readonly serviceName: string;
  /** Serves the Prometheus text format (mounted at `/metrics`). */
  metricsHandler(req: IncomingMessage, res: ServerResponse): void;
  /** Finished spans, only when started with `captureSpans`. */
  finishedSpans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

let current: Telemetry | undefined;

/**
 * Starts the OpenTelemetry SDK once per process: W3C trace context, AsyncLocalStorage context,
 * a Prometheus reader for `/metrics`, OTLP export only when an endpoint is configured.
 * Call it first in `main.ts`, before the Nest application is created. A second call returns
 * the running instance (several apps in one test process share it).
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (current) return current;
  const processors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.otlpEndpoint }) }));
  }
  const memory = options.captureSpans ? new InMemorySpanExporter() : undefined;
  if (memory) processors.push(new SimpleSpanProcessor({ exporter: memory }));
  // With nothing to export to, spans are still created (the SDK registers no tracer provider
  // for an empty list): trace ids reach responses, Kafka headers and log lines regardless.
  if (processors.length === 0) processors.push(new NoopSpanProcessor());

  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    autoDetectResources: false,
    // An explicit (possibly empty) list: without it the SDK would default to an OTLP
    // exporter aimed at localhost and log connection errors forever.
    spanProcessors: processors,
    metricReaders: [prometheus],
    instrumentations: [],
  });
  sdk.start();
  current = {
    serviceName: options.serviceName,
    metricsHandler: (req, res) => prometheus.getMetricsRequestHandler(req, res),
    finishedSpans: () => memory?.getFinishedSpans() ?? [],
    shutdown: async () => {
      current = undefined;
      await sdk.shutdown();
    },
  };
  return current;
}

/** The running telemetry; throws if `startTelemetry` was not called first. */
export function telemetry(): Telemetry {
  if (!current) throw new Error('startTelemetry() must run before the application starts');
  return current;
}

export const meter = (scope: string) => metrics.getMeter(scope);
