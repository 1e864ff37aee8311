import { trace } from '@opentelemetry/api';
import { createServer, type IncomingMessage } from 'node:http';
import { JsonLogger } from './json-logger.js';
import { withSpan } from './spans.js';
import { startTelemetry } from './telemetry.js';

/**
 * The OTLP collector is outside OnAir, so a local HTTP receiver stands in for it: spans must
 * arrive there when an endpoint is configured.
 */
describe('telemetry bootstrap', () => {
  const received: Array<{ path: string; contentType?: string; bytes: number }> = [];
  const collector = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], bytes: Buffer.concat(chunks).length });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  let telemetry: ReturnType<typeof startTelemetry>;

  beforeAll(async () => {
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as { port: number };
    telemetry = startTelemetry({ serviceName: 'telemetry-test', otlpEndpoint: `http://127.0.0.1:${port}/v1/traces`, captureSpans: true });
  });
  // The OTLP test runs last: it shuts the SDK down to flush (a process starts it only once).
  afterAll(() => collector.close());

  it('writes JSON log lines carrying the active trace id', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    let traceId = '';
    try {
      await withSpan('logged', async () => {
        traceId = trace.getActiveSpan()!.spanContext().traceId;
        new JsonLogger('svc').log('hello', 'TestContext');
      });
    } finally {
      process.stdout.write = write;
    }
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'info', service: 'svc', context: 'TestContext', msg: 'hello', trace_id: traceId });
  });

  it('records a failed span with an error status and rethrows', async () => {
    await expect(withSpan('failing', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const span = telemetry.finishedSpans().find((s) => s.name === 'failing')!;
    expect(span.status.code).toBe(2);
    expect(span.events.map((e) => e.name)).toContain('exception');
  });

  it('exports spans over OTLP/HTTP to the configured endpoint', async () => {
    await withSpan('unit-of-work', async () => undefined);
    await telemetry.shutdown(); // flushes the batch processor
    expect(received.some((r) => r.path === '/v1/traces' && r.bytes > 0)).toBe(true);
  });
});
