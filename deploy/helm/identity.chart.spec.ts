// The identity chart: the password-hash budget and the sign-in limits it passes.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, helmTemplate, rendered, manifest } from './chart-rendering';
import { expectAutoscaledService, describePolicedService } from './chart-expectations';

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

describePolicedService('identity', {
  rules: { http: ['pod:edge', 'pod:social-graph', 'pod:stream-sessions', 'pod:chat', 'pod:discovery', 'pod:notifications', 'pod:ops', 'ns:monitoring'] },
  metricsPort: 7101, httpCallers: true, ingressControllerOnceNamed: true, kafka: true, subchart: true,
});

describe('identity chart: scaling', () => {
  const chart = join(HELM_DIR, 'identity');
  const SHARED_AVATARS = ['--set', 'avatars.persistentVolumeClaim=identity-avatars'];

  it('runs one pod, without HPA or PDB, by default: avatars on the default emptyDir are per pod', () => {
    const all = rendered(chart);
    expect(all).not.toMatch(/kind: (HorizontalPodAutoscaler|PodDisruptionBudget)/);
    expect(manifest(all, 'Deployment')).toMatch(/^ {2}replicas: 1$/m);
  }, TIMEOUT_MS);

  it('refuses more than one pod without a shared avatars claim, saying why', () => {
    for (const setting of ['autoscaling.enabled=true', 'replicaCount=2']) {
      const t = helmTemplate(chart, ['--set', setting]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/more than one identity pod .* needs avatars\.persistentVolumeClaim/);
    }
  }, TIMEOUT_MS);

  it('scales on CPU between min and max pods, with a PDB, once avatars are on a shared claim', () => {
    expectAutoscaledService(chart, { port: 7101, maxReplicas: 6, values: ['--set', 'autoscaling.enabled=true', ...SHARED_AVATARS] });
  }, TIMEOUT_MS);
});
