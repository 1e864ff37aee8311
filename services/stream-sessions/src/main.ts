// Telemetry starts before anything else so every span and log line carries the trace context.
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from './config.js';
import { createStreamSessionsApp } from './stream-sessions-app.js';

async function main() {
  const config = loadConfig();
  startTelemetry({ serviceName: 'stream-sessions', otlpEndpoint: config.otlpEndpoint });
  const app = await createStreamSessionsApp(config);
  // gRPC and the Kafka consumers first: /readyz answers only once everything listens.
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
}

main().catch((err) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', service: 'stream-sessions', msg: String(err?.stack ?? err) })}\n`,
  );
  process.exit(1);
});
