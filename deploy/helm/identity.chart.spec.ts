// The identity chart: the password-hash budget and the sign-in limits it passes.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest } from './chart-rendering';

describe('identity chart: password hashing and sign-in limits', () => {
  const chart = join(HELM_DIR, 'identity');

  it('passes the hash budget and the sign-in limits', () => {
    const config = manifest(rendered(chart), 'ConfigMap');
    for (const line of [
      'PASSWORD_HASH_MEMORY_BUDGET_MB: "256"',
      'PASSWORD_HASH_MAX_WAIT_MS: "2000"',
      'PASSWORD_HASH_MAX_WAITING: "32"',
      'SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_IP: "5"',
      'SIGN_IN_MAX_FAILURES_PER_ACCOUNT: "100"',
      'SIGN_IN_MAX_FAILURES_PER_IP: "50"',
      'SIGN_IN_KNOWN_IP_DAYS: "30"',
    ]) {
      expect(config).toContain(`\n  ${line}\n`);
    }
  }, TIMEOUT_MS);

  it('refuses a hash budget that cannot hold one hash', () => {
    const t = helmTemplate(chart, ['--set', 'auth.passwordHashMemoryBudgetMb=100']);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/passwordHashMemoryBudgetMb \(100\) must hold at least one hash: 128 MiB/);
  }, TIMEOUT_MS);
});
