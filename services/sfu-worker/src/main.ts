// Telemetry starts before anything else so every span and log line carries the trace context.
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from './config.js';
import { listenForDrainSignal } from './draining/drain-signal.js';
import { SfuRuntime } from './sfu-runtime.js';
import { createSfuWorkerApp } from './sfu-worker-app.js';

async function main() {
  // Before anything that takes time: see drain-signal.ts.
  const drainSignal = listenForDrainSignal();
  const config = loadConfig();
  startTelemetry({ serviceName: 'sfu-worker', otlpEndpoint: config.otlpEndpoint });
  const app = await createSfuWorkerApp(config);
  drainSignal.takeFromNest();
  await app.listen(config.httpPort, config.httpHost);
  // SIGTERM drains as well (SfuRuntime.beforeApplicationShutdown), whether or not this came first.
  const runtime = app.get(SfuRuntime);
  drainSignal.drainWith(() => runtime.startDraining());
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', service: 'sfu-worker', msg: String(err?.stack ?? err) })}\n`);
  process.exit(1);
});
