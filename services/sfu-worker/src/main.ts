// Telemetry starts before anything else so every span and log line carries the trace context.
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from './config.js';
import { createSfuWorkerApp } from './sfu-worker-app.js';

async function main() {
  const config = loadConfig();
  startTelemetry({ serviceName: 'sfu-worker', otlpEndpoint: config.otlpEndpoint });
  const app = await createSfuWorkerApp(config);
  await app.listen(config.httpPort, config.httpHost);
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', service: 'sfu-worker', msg: String(err?.stack ?? err) })}\n`);
  process.exit(1);
});
