// Telemetry starts before anything else so every span and log line carries the trace context.
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from './config.js';
import { createOpsApp } from './ops-app.js';

async function main() {
  const config = loadConfig();
  startTelemetry({ serviceName: 'ops', otlpEndpoint: config.otlpEndpoint });
  const app = await createOpsApp(config);
  // The Kafka consumers first: /readyz answers only once everything listens.
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', service: 'ops', msg: String(err?.stack ?? err) })}\n`);
  process.exit(1);
});
