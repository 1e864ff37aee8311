// The sfu-worker chart: relaying media between SFU pods, autoscaling on sfu_load_ratio, draining
// from the preStop hook, ports and NetworkPolicy, RTMP ingest, the umbrella chart's globals.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HELM_DIR, REPO_ROOT, TIMEOUT_MS, describeRun, helmTemplate, rendered, manifest, kubeconform } from './chart-rendering';
import { TLS_ENV, expectTlsMounted } from './chart-expectations';

const chart = join(HELM_DIR, 'sfu-worker');

/** One rendered object by kind, parsed (the chart renders one of each kind it uses). */
function object(all: string, kind: string): any {
  const docs = parseAllDocuments(all).map((d) => d.toJS()).filter((o) => o?.kind === kind);
  if (docs.length !== 1) throw new Error(`expected one ${kind}, rendered ${docs.length}`);
  return docs[0];
}
const container = (all: string) => object(all, 'Deployment').spec.template.spec.containers[0];

describe('sfu-worker chart: relaying between SFU pods', () => {
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
    expect(deployment).toMatch(/- name: relay-tls\n\s+containerPort: 7114\n\s+hostPort: 7114\n\s+protocol: TCP\n/);
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

describe('sfu-worker chart: autoscaling on sfu_load_ratio', () => {
  it('scales on the Pods metric sfu_load_ratio (AverageValue 600m) and on CPU, and leaves replicas to the HPA', () => {
    const all = rendered(chart);
    const hpa = object(all, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ci-sfu-worker' });
    expect(hpa.spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'sfu_load_ratio' }, target: { type: 'AverageValue', averageValue: '600m' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
    ]);
    expect(object(all, 'Deployment').spec).not.toHaveProperty('replicas');
    // The exporter must name it exactly so: the spec of services/sfu-worker scrapes it.
    expect(readFileSync(join(REPO_ROOT, 'services/sfu-worker/src/reporting/load-reporter.ts'), 'utf8')).toContain("createObservableGauge('sfu_load_ratio'");
  }, TIMEOUT_MS);

  it('takes the target from values, can drop the load metric, and fixes replicas without the HPA', () => {
    const target = object(rendered(chart, ['--set', 'autoscaling.loadRatio.targetAverageValue=750m']), 'HorizontalPodAutoscaler');
    expect(target.spec.metrics[0].pods.target.averageValue).toBe('750m');
    const cpuOnly = object(rendered(chart, ['--set', 'autoscaling.loadRatio.enabled=false']), 'HorizontalPodAutoscaler');
    expect(cpuOnly.spec.metrics.map((m: { type: string }) => m.type)).toEqual(['Resource']);
    const fixed = rendered(chart, ['--set', 'autoscaling.enabled=false', '--set', 'replicaCount=3']);
    expect(fixed).not.toMatch(/kind: HorizontalPodAutoscaler/);
    expect(object(fixed, 'Deployment').spec.replicas).toBe(3);
  }, TIMEOUT_MS);

  it('refuses a target that is not a ratio between 0 and 1', () => {
    for (const bad of ['60', '1500m', 'lots']) {
      const t = helmTemplate(chart, ['--set-string', `autoscaling.loadRatio.targetAverageValue=${bad}`]);
      expect(t.status).not.toBe(0);
      expect(t.stderr).toMatch(/targetAverageValue/);
    }
  }, TIMEOUT_MS);

  it('lets Prometheus scrape /metrics on the HTTP port (the adapter reads sfu_load_ratio from there)', () => {
    const annotations = object(rendered(chart), 'Deployment').spec.template.metadata.annotations;
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '7104', 'prometheus.io/path': '/metrics' });
  }, TIMEOUT_MS);
});

describe('sfu-worker chart: draining and termination', () => {
  const SCRIPT = '/app/services/sfu-worker/dist/src/draining/start-draining.js';

  it('starts draining in the preStop hook: node runs the compiled start-draining script, then waits', () => {
    const c = container(rendered(chart, ['--set', 'termination.preStopSleepSeconds=15', '--set', 'termination.terminationGracePeriodSeconds=700']));
    expect(c.lifecycle.preStop).toEqual({ exec: { command: ['/usr/local/bin/node', SCRIPT, '--wait-seconds', '15'] } });
  }, TIMEOUT_MS);

  it('points the hook at the file the build writes and the image stages under /app, run by the image\'s node', () => {
    // The image mirrors the checkout under /app (tools/images/stage-app.mjs) with node at
    // /usr/local/bin/node as its entrypoint, in both image builds.
    expect(existsSync(join(REPO_ROOT, SCRIPT.replace(/^\/app\//, '')))).toBe(true);
    expect(readFileSync(join(REPO_ROOT, 'tools/lib/images.sh'), 'utf8')).toMatch(/--config\.workingdir=\/app .*--config\.entrypoint=\/usr\/local\/bin\/node /s);
    const dockerfile = readFileSync(join(REPO_ROOT, 'deploy/docker/sfu-worker.Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/node", .*"services\/sfu-worker\/dist\/src\/main\.js"\]$/m);
  });

  it('gives the pod a grace period covering preStop + drain + 30 s, and refuses to render a shorter one', () => {
    const spec = object(rendered(chart), 'Deployment').spec.template.spec;
    expect(spec.terminationGracePeriodSeconds).toBe(660);
    expect(object(rendered(chart), 'ConfigMap').data.SFU_DRAIN_TIMEOUT_MS).toBe('600000');
    const exact = ['--set', 'termination.preStopSleepSeconds=20', '--set', 'termination.drainSeconds=100', '--set', 'termination.terminationGracePeriodSeconds=150'];
    expect(object(rendered(chart, exact), 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(150);
    const short = helmTemplate(chart, [...exact.slice(0, 4), '--set', 'termination.terminationGracePeriodSeconds=149']);
    expect(short.status).not.toBe(0);
    expect(short.stderr).toMatch(/terminationGracePeriodSeconds \(149\) must be at least .*preStopSleepSeconds \(20\) \+ .*drainSeconds \(100\) \+ 30 s .*= 150/);
  }, TIMEOUT_MS);
});

describe('sfu-worker chart: media ports, address and NetworkPolicy', () => {
  it('declares every port with its hostPort on hostNetwork and announces the node\'s address', () => {
    const all = rendered(chart, ['--set', 'media.workers=3', '--set', 'resources.requests.cpu=3', '--set', 'resources.limits.cpu=3']);
    const c = container(all);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 7104, hostPort: 7104, protocol: 'TCP' },
      { name: 'rtmp', containerPort: 1935, hostPort: 1935, protocol: 'TCP' },
      ...[0, 1, 2].flatMap((i) => [
        { name: `rtc-udp-${i}`, containerPort: 40000 + i, hostPort: 40000 + i, protocol: 'UDP' },
        { name: `rtc-tcp-${i}`, containerPort: 40000 + i, hostPort: 40000 + i, protocol: 'TCP' },
      ]),
    ]);
    expect(c.env.find((e: { name: string }) => e.name === 'SFU_ANNOUNCED_IP')).toEqual({ name: 'SFU_ANNOUNCED_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
    expect(object(all, 'Deployment').spec.template.spec.hostNetwork).toBe(true);
    expect(kubeconform(all).summary.invalid).toBe(0);
    const podNetwork = container(rendered(chart, ['--set', 'hostNetwork=false', '--set', 'media.announcedIp=192.0.2.10']));
    expect(podNetwork.ports.some((p: { hostPort?: number }) => p.hostPort)).toBe(false);
    expect(podNetwork.env.find((e: { name: string }) => e.name === 'SFU_ANNOUNCED_IP').value).toBe('192.0.2.10');
  }, TIMEOUT_MS);

  it('opens media, RTMP and the HTTP port to anyone and the relay ports to SFU pods only', () => {
    const all = rendered(chart, ['--set', 'relay.existingSecret=sfu-relay', '--set', 'internalTls.secretName=sfu-tls']);
    const np = object(all, 'NetworkPolicy');
    const selector = { 'app.kubernetes.io/name': 'sfu-worker', 'app.kubernetes.io/instance': 'ci' };
    expect(np.spec.podSelector).toEqual({ matchLabels: selector });
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress).toEqual([
      {
        ports: [
          { protocol: 'UDP', port: 40000, endPort: 40001 },
          { protocol: 'TCP', port: 40000, endPort: 40001 },
          { protocol: 'TCP', port: 7104 },
          { protocol: 'TCP', port: 1935 },
        ],
      },
      {
        from: [{ podSelector: { matchLabels: selector } }],
        ports: [
          { protocol: 'TCP', port: 7114 },
          { protocol: 'UDP', port: 41000, endPort: 49999 },
        ],
      },
    ]);
    expect(kubeconform(all).summary.invalid).toBe(0);
    // No relays: nothing but the public ports is open.
    expect(object(rendered(chart), 'NetworkPolicy').spec.ingress).toHaveLength(1);
    expect(rendered(chart, ['--set', 'networkPolicy.enabled=false'])).not.toMatch(/kind: NetworkPolicy/);
  }, TIMEOUT_MS);
});

describe('sfu-worker chart: RTMP ingest', () => {
  it('listens for RTMP on rtmp.port (a hostPort on hostNetwork), asks stream-sessions in the cluster, and times silent encoders out', () => {
    const data = object(rendered(chart), 'ConfigMap').data;
    expect(data).toMatchObject({
      SFU_RTMP_PORT: '1935',
      SFU_RTMP_MAX_CONNECTIONS: '50',
      SFU_STREAM_SESSIONS_URL: 'http://stream-sessions:7103',
      SFU_WHIP_MEDIA_TIMEOUT_MS: '15000',
    });
    const off = rendered(chart, ['--set', 'rtmp.port=0']);
    expect(object(off, 'ConfigMap').data.SFU_RTMP_PORT).toBe('0');
    expect(container(off).ports.map((p: { name: string }) => p.name)).not.toContain('rtmp');
    expect(object(off, 'NetworkPolicy').spec.ingress[0].ports).not.toContainEqual({ protocol: 'TCP', port: 1935 });
  }, TIMEOUT_MS);

  it('puts an optional LoadBalancer Service (externalTrafficPolicy Local) in front of the RTMP ports', () => {
    expect(rendered(chart)).not.toMatch(/name: ci-sfu-worker-rtmp/);
    const all = rendered(chart, ['--set', 'rtmp.loadBalancer.enabled=true', '--set', 'rtmp.loadBalancer.annotations.example\\.com/lb=nlb']);
    const lb = parseAllDocuments(all)
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'Service' && o.metadata.name === 'ci-sfu-worker-rtmp');
    expect(lb.metadata.annotations).toEqual({ 'example.com/lb': 'nlb' });
    expect(lb.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'rtmp', port: 1935, targetPort: 'rtmp', protocol: 'TCP' }] });
    expect(kubeconform(all).summary.invalid).toBe(0);
  }, TIMEOUT_MS);

  it('refuses an RTMP port that clashes with the HTTP, relay or media ports, and a bad stream-sessions URL', () => {
    for (const port of ['7104', '7114', '40001']) {
      const clash = helmTemplate(chart, ['--set', `rtmp.port=${port}`]);
      expect(clash.status).not.toBe(0);
      expect(clash.stderr).toMatch(/rtmp.port \(\d+\) must differ/);
    }
    expect(helmTemplate(chart, ['--set', 'rtmp.streamSessionsUrl=stream-sessions:7103']).status).not.toBe(0);
  }, TIMEOUT_MS);
});

describe('sfu-worker chart: values from the umbrella chart and for ct', () => {
  it('takes global.kafka.brokers over config.kafkaBrokers when set, as a string or a list', () => {
    const brokers = (args: string[]) => object(rendered(chart, args), 'ConfigMap').data.KAFKA_BROKERS;
    expect(brokers([])).toBe('kafka:9092');
    expect(brokers(['--set', 'global.kafka.brokers=k1:9093\\,k2:9093'])).toBe('k1:9093,k2:9093');
    expect(brokers(['--set', 'global.kafka.brokers={k1:9093,k2:9093}'])).toBe('k1:9093,k2:9093');
    expect(brokers(['--set', 'global.kafka.brokers=', '--set', 'global.imageRegistry=r.example.org'])).toBe('kafka:9092');
  }, TIMEOUT_MS);

  it('accepts a global object while still refusing unknown top-level keys', () => {
    expect(helmTemplate(chart, ['--set', 'global.anything.else=1']).status).toBe(0);
    const unknown = helmTemplate(chart, ['--set', 'globals.kafka.brokers=k:1']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/globals/);
  }, TIMEOUT_MS);

  it.each(['default', 'production'])('renders ci/%s-values.yaml to manifests kubeconform accepts', (name) => {
    const all = rendered(chart, ['-f', join(chart, 'ci', `${name}-values.yaml`)]);
    expect(kubeconform(all).summary).toMatchObject({ invalid: 0, errors: 0 });
    if (name === 'production') {
      expect(object(all, 'ConfigMap').data).toMatchObject({ KAFKA_BROKERS: 'onair-kafka-bootstrap.kafka:9093', INTERNAL_TLS_CA: '/etc/onair/tls/ca.crt' });
      expect(object(all, 'NetworkPolicy').spec.ingress).toHaveLength(2);
      expect(object(all, 'HorizontalPodAutoscaler').spec.metrics[0].pods.metric.name).toBe('sfu_load_ratio');
    }
  }, TIMEOUT_MS);
});
