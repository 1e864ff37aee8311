// The preStop hook's path end to end: the built service as its own process (as in the image,
// where it is PID 1), the built start-draining script against its pid, then SIGTERM.
import { NodeLoadReportedEvent } from '@onair/contracts';
import { EventCollector, freePorts, repoRoot, startServiceProcess, TestContext, waitUntil, type RunningService } from '@onair/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTicketIssuer } from '../sfu-worker.test-app.js';

const SCRIPT = join(repoRoot, 'services/sfu-worker/dist/src/draining/start-draining.js');

describe('draining on the preStop hook: start-draining.js signals the node, which drains and keeps running', () => {
  const ctx = TestContext.create('sfu_drain_signal');
  let sfu: RunningService;

  beforeAll(async () => {
    const issuer = await startTicketIssuer(ctx);
    const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
    ctx.onCleanup(async () => rmSync(replays, { recursive: true, force: true }));
    sfu = await startServiceProcess(ctx, 'sfu-worker', {
      MEDIA_TICKET_JWKS_URL: issuer.jwksUrl,
      SFU_NODE_ID: `${ctx.id}-node`,
      SFU_WORKERS: '1',
      SFU_RTC_PORT_BASE: String(await freePorts(1)),
      SFU_REPORT_INTERVAL_MS: '500',
      SFU_RECORDING: 'false',
      SFU_DRAIN_TIMEOUT_MS: '60000',
      REPLAY_DIR: replays,
    });
  }, 90_000);
  afterAll(() => ctx.cleanup());

  const readyz = async () => {
    const res = await fetch(`${sfu.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean> } };
  };

  it('turns /readyz to 503 and the load reports to draining, and stays up until SIGTERM', async () => {
    const loads = await EventCollector.start(ctx, NodeLoadReportedEvent);
    await waitUntil(() => loads.events.length > 0, 15_000, 'a load report');
    expect(loads.events.every((e) => !e.message.draining)).toBe(true);
    expect((await readyz()).status).toBe(200);

    const started = Date.now();
    const hook = spawnSync(process.execPath, [SCRIPT, '--pid', String(sfu.process.pid), '--wait-seconds', '1'], { encoding: 'utf8', timeout: 20_000 });
    expect({ status: hook.status, stderr: hook.stderr }).toEqual({ status: 0, stderr: '' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // it waited, as preStop must

    await waitUntil(async () => (await readyz()).status === 503, 10_000, '/readyz to answer 503');
    expect((await readyz()).body.checks).toMatchObject({ accepting: false, workers: true, kafka: true });
    await waitUntil(() => loads.events.some((e) => e.message.draining), 10_000, 'a load report saying draining');
    const metrics = await (await fetch(`${sfu.url}/metrics`)).text();
    expect(metrics).toMatch(/^sfu_load_ratio(\{[^}]*\})? 1$/m);

    // SIGUSR2 is also one of Nest's shutdown signals: the node must not have taken it as one.
    await new Promise((r) => setTimeout(r, 2_000));
    expect({ exitCode: sfu.process.exitCode, signal: sfu.process.signalCode }).toEqual({ exitCode: null, signal: null });
    const reports = loads.events.length;
    await waitUntil(() => loads.events.length > reports + 1, 10_000, 'reports going on while draining');
    expect(loads.events.at(-1)?.message.draining).toBe(true);

    // No room is live, so SIGTERM's drain ends at once (not after SFU_DRAIN_TIMEOUT_MS) and the node exits.
    const exited = new Promise((r) => sfu.process.once('exit', r));
    sfu.process.kill('SIGTERM');
    await exited;
  }, 60_000);

  it('fails, saying why, when there is no such process or the arguments are wrong', () => {
    const gone = spawnSync(process.execPath, [SCRIPT, '--pid', '999999999'], { encoding: 'utf8' });
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/could not signal process 999999999/);
    const bad = spawnSync(process.execPath, [SCRIPT, '--wait-seconds', 'soon'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--wait-seconds must be a number/);
  });
});
