import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './test-infra.js';

/**
 * A Kafka broker of one suite's own (the project's scripts and cached jars, other ports and a
 * new state folder), for tests that stop the broker or need a brand-new one (no
 * __consumer_offsets yet) without disturbing suites running in parallel on the shared broker.
 */
export class PrivateKafka {
  readonly state = mkdtempSync(join(tmpdir(), 'onair-kafka-'));
  // Below Linux's ephemeral range (32768-60999): while this broker is down for a test, the app's
  // clients keep reconnecting to its port, and a connect to a port in that range can be given
  // the very same port as its source (TCP self-connect), which then holds it and the restart
  // fails with 'Address already in use'. Above service-process's range (20000-32000).
  readonly port = 32_000 + Math.floor(Math.random() * 350) * 2;

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  // Asynchronous on purpose: an app under test in the same process must keep serving (and its
  // timers keep running) while the broker starts or stops.
  private async infra(action: 'up' | 'down'): Promise<void> {
    await promisify(execFile)(join(repoRoot, 'tools/onair'), ['infra', action, 'kafka'], {
      env: { ...process.env, ONAIR_STATE: this.state, ONAIR_KAFKA_PORT: String(this.port), ONAIR_KAFKA_CONTROLLER_PORT: String(this.port + 1) },
      timeout: 120_000,
    });
  }

  start = (): Promise<void> => this.infra('up');
  stop = (): Promise<void> => this.infra('down');

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.state, { recursive: true, force: true });
  }
}
