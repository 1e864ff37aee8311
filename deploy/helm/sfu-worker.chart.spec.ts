// The sfu-worker chart: relaying media between SFU pods.
import { join } from 'node:path';
import { HELM_DIR, TIMEOUT_MS, describeRun, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { TLS_ENV, expectTlsMounted } from './chart-expectations';

describe('sfu-worker chart: relaying between SFU pods', () => {
  const chart = join(HELM_DIR, 'sfu-worker');

  it('passes the shared relay secret from the named Secret, and only when one is named', () => {
    const on = helmTemplate(chart, ['--set', 'relay.existingSecret=sfu-relay']);
    if (on.status !== 0) throw new Error(`helm template failed\n${describeRun(on)}`);
    expect(on.stdout).toMatch(/- name: SFU_RELAY_SECRET\n\s+valueFrom:\n\s+secretKeyRef:\n\s+name: sfu-relay\n\s+key: secret/);
    expect(on.stdout).toMatch(/SFU_RELAY_MIN_PORT: "41000"/);
    expect(kubeconform(on.stdout).summary.invalid).toBe(0);
    const off = helmTemplate(chart);
    expect(off.stdout).not.toMatch(/SFU_RELAY_SECRET/);
  }, TIMEOUT_MS);

  it('serves relays over wss with mutual TLS on the relay-tls port when internalTls is named', () => {
    const plain = rendered(chart, ['--set', 'relay.existingSecret=sfu-relay']);
    expect(plain).not.toMatch(/INTERNAL_TLS_|relay-tls|internal-tls/);
    const all = rendered(chart, ['--set', 'relay.existingSecret=sfu-relay', '--set', 'internalTls.secretName=sfu-tls']);
    const config = manifest(all, 'ConfigMap');
    expect(config).toMatch(/^ {2}SFU_RELAY_TLS_PORT: "7114"$/m);
    for (const env of TLS_ENV) expect(config).toMatch(env);
    const deployment = manifest(all, 'Deployment');
    expect(deployment).toMatch(/- name: relay-tls\n\s+containerPort: 7114\n\s+protocol: TCP\n/);
    expectTlsMounted(deployment, 'sfu-tls');
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('refuses a relay TLS port that clashes with the HTTP or media ports', () => {
    for (const port of ['7104', '40001']) {
      const t = helmTemplate(chart, ['--set', `relay.tlsPort=${port}`]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/relay\.tlsPort .* must differ/);
    }
  }, TIMEOUT_MS);
});
