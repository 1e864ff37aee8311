// Telemetry starts before anything else so every span and log line carries the trace context.
import { startTelemetry } from '@onair/telemetry';
import { createDiscoveryApp } from './discovery-app.js';
import { loadConfig } from './config.js';

async function main() {
  const config = loadConfig();
  startTelemetry({ serviceName: 'discovery', otlpEndpoint: config.otlpEndpoint });
  const app = await createDiscoveryApp(config);
  // The Kafka consumers first: /readyz answers only once everything listens.
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', service: 'discovery', msg: String(err?.stack ?? err) })}\n`);
  process.exit(1);
});
