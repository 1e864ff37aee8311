import { json, TestContext, type TestUser } from '@onair/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The identity pod's memory limit, read from the chart operators deploy. */
function chartMemoryLimitBytes(repoRoot: string): number {
  const values = readFileSync(join(repoRoot, 'deploy/helm/identity/values.yaml'), 'utf8');
  const match = /\n {2}limits:\n(?: {4}\w+: .*\n)*? {4}memory: (\d+)Mi\n/.exec(values);
  if (!match) throw new Error('no resources.limits.memory in deploy/helm/identity/values.yaml');
  return Number(match[1]) * 1024 * 1024;
}

/** Peak resident memory of a process since it started (Linux). */
function peakRssBytes(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(kb![1]) * 1024;
}

// The real identity process at production cost (scrypt logN 17: 128 MiB per hash) and its
// default hash budget, under a burst of unauthenticated sign-ins.
describe('password hashes within a memory budget', () => {
  const ctx = TestContext.create('identity_hash_budget');
  afterAll(() => ctx.cleanup());

  it('keeps the process under the chart memory limit through 64 concurrent sign-ins, answering each with a code', async () => {
    const identity = await ctx.startIdentity({ PASSWORD_SCRYPT_LOG_N: '17', PASSWORD_HASH_MAX_WAIT_MS: '1500' });
    const users: TestUser[] = [];
    for (let i = 0; i < 3; i++) users.push(await ctx.newUser());
    const answers = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const user = users[i % users.length];
        const res = await fetch(`${identity.url}/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` },
          body: JSON.stringify({ login: i % 4 === 0 ? `ghost_${i}` : user.handle, password: i % 2 ? user.password : 'wrong-password-1' }),
        });
        const body = await json(res);
        return { status: res.status, code: body.error?.code as string | undefined, retryAfter: res.headers.get('retry-after') };
      }),
    );
    const limit = chartMemoryLimitBytes(ctx.infra.repoRoot);
    const peak = peakRssBytes(identity.process.pid!);
    expect({ peakMiB: Math.round(peak / 2 ** 20), underLimit: peak < limit }).toEqual({ peakMiB: expect.any(Number), underLimit: true });

    for (const a of answers) {
      expect([201, 401, 429, 503]).toContain(a.status);
      if (a.status !== 201) expect(a.code).toMatch(/^IDENTITY\./);
      if (a.status === 503) expect(a).toEqual({ status: 503, code: 'IDENTITY.BUSY', retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
    }
    // The budget lets work through and turns the rest away quickly, rather than queueing it all.
    expect(answers.some((a) => a.status === 201)).toBe(true);
    expect(answers.some((a) => a.status === 503)).toBe(true);
  }, 120_000);
});
