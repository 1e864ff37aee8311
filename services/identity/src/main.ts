// Telemetry starts before anything else so every span and log line carries the trace context.
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from './config.js';
import { createIdentityApp } from './identity-app.js';

async function main() {
  const config = loadConfig();
  startTelemetry({ serviceName: 'identity', otlpEndpoint: config.otlpEndpoint });
  const app = await createIdentityApp(config);
  // The Kafka consumer first: /readyz answers only once everything listens.
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', service: 'identity', msg: String(err?.stack ?? err) })}\n`);
  process.exit(1);
});
