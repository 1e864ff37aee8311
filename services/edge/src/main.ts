// Telemetry starts before anything else so every span and log line carries the trace context.
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from './config.js';
import { createEdgeApp } from './edge-app.js';
import { InternalEndpoints } from './health/internal-endpoints.js';

async function main() {
  const config = loadConfig();
  startTelemetry({ serviceName: 'edge', otlpEndpoint: config.otlpEndpoint });
  const app = await createEdgeApp(config);
  await app.get(InternalEndpoints).listen();
  await app.listen(config.httpPort, config.httpHost);
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', service: 'edge', msg: String(err?.stack ?? err) })}\n`);
  process.exit(1);
});
