// The umbrella chart on a real API server: `helm install --wait --wait-for-jobs` of
// deploy/helm/onair onto a local control plane with kwok's fake nodes (control-plane.ts), then
// `helm test`, the HPAs and NetworkPolicies as the API server stored them, an upgrade that the
// HPA controller and the Deployment follow, and an uninstall that leaves nothing behind.
// kwok runs no containers: this proves the objects are accepted, scheduled (hostNetwork SFU pods
// one per node), hooked and rolled out, not that the services work. Missing tools fail the
// suite (never skip), as in chart-rendering.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HELM_DIR, KUBE_VERSION, buildableChart } from './chart-rendering';
import { ControlPlane, startControlPlane } from './control-plane';
import { KubeObject, waitFor } from './control-plane-api';
import { createOperatorObjects, helm, renderedNames } from './control-plane-release';

const CHART_DIR = join(HELM_DIR, 'onair');
const RELEASE = 'onair';
const NS = 'onair';
const NODES = 4; // sfu-worker: one pod per node (hostNetwork); the upgrade asks for 3
const HELM_TIMEOUT = '150s';

// The umbrella's production-like CI values (every HPA and NetworkPolicy on, the operator's
// Secrets and claims named), with the SFU at 2 pods so that the upgrade below has a change to
// make. Missing, the suite fails: the default values render no NetworkPolicy to check.
function installValues(): string[] {
  const file = join(CHART_DIR, 'ci', 'production-values.yaml');
  if (!existsSync(file)) throw new Error(`${file} is missing: the cluster test installs the chart with it`);
  return ['-f', file, '--set', 'sfu-worker.autoscaling.minReplicas=2'];
}

interface JobEvent {
  involvedObject: { kind: string; name: string };
  reason: string;
}

interface HpaMetric {
  type: string;
  pods?: { metric: { name: string } };
  external?: { metric: { name: string } };
}

interface IngressRule {
  ports?: { port?: string | number; protocol?: string }[];
  from?: {
    podSelector?: { matchLabels?: Record<string, string> };
    namespaceSelector?: object;
    ipBlock?: object;
  }[];
}

const names = (items: KubeObject[]): string[] => items.map((o) => o.metadata.name).sort();

describe('the onair umbrella chart on a local control plane', () => {
  let cp: ControlPlane | undefined;
  let chart: string;
  let manifests: string;
  let installed = false; // later steps fail at once, instead of waiting out helm's timeout again
  const api = (): ControlPlane['api'] => {
    if (!cp) throw new Error('the control plane did not start (see the first failure)');
    return cp.api;
  };
  const nsPath = (group: string, resource: string, name = ''): string =>
    `${group}/namespaces/${NS}/${resource}${name ? `/${name}` : ''}`;

  const waitForSfuReplicas = (n: number): Promise<KubeObject> =>
    waitFor(
      `sfu-worker Deployment at ${n} ready replicas`,
      async () => {
        const d = await api().get(nsPath('/apis/apps/v1', 'deployments', 'sfu-worker'));
        if (d.spec.replicas === n && d.status?.readyReplicas === n) return d;
        throw new Error(`replicas ${d.spec.replicas}, ready ${d.status?.readyReplicas ?? 0}`);
      },
      60_000,
    );

  const expectSfuPodsOnDistinctNodes = async (n: number): Promise<void> => {
    const pods = await api().list(
      `/api/v1/namespaces/${NS}/pods?labelSelector=app.kubernetes.io/name%3Dsfu-worker`,
    );
    const nodes = pods.filter((p) => p.status?.phase === 'Running').map((p) => p.spec.nodeName as string);
    expect(nodes).toHaveLength(n);
    expect(new Set(nodes).size).toBe(n);
  };

  beforeAll(async () => {
    chart = buildableChart(CHART_DIR);
    manifests = await helm([
      'template',
      RELEASE,
      chart,
      '--namespace',
      NS,
      '--kube-version',
      KUBE_VERSION,
      ...installValues(),
    ]);
    cp = await startControlPlane({ nodes: NODES });
    await createOperatorObjects(cp.api, NS, manifests);
  }, 150_000);

  afterAll(async () => {
    await cp?.stop();
  }, 30_000);

  it('installs with --wait --wait-for-jobs: every Deployment available, the topics Job complete', async () => {
    await helm(
      [
        'install',
        RELEASE,
        chart,
        '--namespace',
        NS,
        '--create-namespace',
        '--wait',
        '--wait-for-jobs',
        '--timeout',
        HELM_TIMEOUT,
        ...installValues(),
      ],
      cp,
    );
    installed = true;
    const deployments = await api().list(nsPath('/apis/apps/v1', 'deployments'));
    expect(names(deployments)).toEqual(renderedNames(manifests, 'Deployment'));
    for (const d of deployments) {
      expect({ name: d.metadata.name, available: d.status?.availableReplicas ?? 0 }).toEqual({
        name: d.metadata.name,
        available: d.status?.replicas,
      });
    }
    // The pre-install hook ran the topics Job to completion (the Job itself is deleted on success).
    const jobs = renderedNames(manifests, 'Job');
    expect(jobs.length).toBeGreaterThan(0);
    const events = (await api().list(`/api/v1/namespaces/${NS}/events`)) as unknown as JobEvent[];
    for (const job of jobs) {
      expect(
        events.some(
          (e) => e.involvedObject.kind === 'Job' && e.involvedObject.name === job && e.reason === 'Completed',
        ),
      ).toBe(true);
    }
    // The chart leaves replicas to the HPA: the Deployment starts at 1 and the HPA raises it.
    await waitForSfuReplicas(2);
    // hostNetwork SFU pods: each on its own node.
    await expectSfuPodsOnDistinctNodes(2);
  }, 180_000);

  it('helm test: the test pods reach Succeeded', async () => {
    const out = await helm(['test', RELEASE, '--namespace', NS, '--timeout', '60s'], cp);
    if (/TEST SUITE:\s+None/.test(out)) {
      throw new Error(
        `helm test ran nothing: the chart has no test hook (a Pod annotated helm.sh/hook: test)\n${out}`,
      );
    }
    expect(out).toMatch(/Phase:\s+Succeeded/);
    expect(out).not.toMatch(/Phase:\s+Failed/);
  }, 90_000);

  it('stores one autoscaling/v2 HPA per service: SFU on its load ratio, notifications and discovery on Kafka lag', async () => {
    const hpas = await api().list(nsPath('/apis/autoscaling/v2', 'horizontalpodautoscalers'));
    const deployments = await api().list(nsPath('/apis/apps/v1', 'deployments'));
    expect(names(hpas)).toEqual(renderedNames(manifests, 'HorizontalPodAutoscaler'));
    expect(names(hpas)).toEqual(names(deployments));
    for (const h of hpas)
      expect(h.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: h.metadata.name });
    const metrics = (name: string): string[] =>
      (hpas.find((h) => h.metadata.name === name)?.spec.metrics ?? []).map((m: HpaMetric) =>
        m.type === 'Pods'
          ? `Pods:${m.pods?.metric.name}`
          : m.type === 'External'
            ? `External:${m.external?.metric.name}`
            : m.type,
      );
    // The API server kept the custom metrics as rendered (it drops nothing it does not know of
    // silently: an unknown metric type or field would have failed the install).
    expect(metrics('sfu-worker')).toContain('Pods:sfu_load_ratio');
    for (const svc of ['notifications', 'discovery']) {
      expect(metrics(svc).filter((m) => /^External:.*lag/.test(m)).length).toBeGreaterThan(0);
    }
  });

  it('stores a NetworkPolicy for every service; gRPC admits only its callers, SFU media anyone', async () => {
    const policies = await api().list(nsPath('/apis/networking.k8s.io/v1', 'networkpolicies'));
    expect(names(policies)).toEqual(renderedNames(manifests, 'NetworkPolicy'));
    // Every service's pods are selected by some policy (else they would take any traffic).
    for (const d of await api().list(nsPath('/apis/apps/v1', 'deployments'))) {
      const podLabels: Record<string, string> = d.spec.template.metadata.labels;
      const selecting = policies.filter((p) =>
        Object.entries<string>(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v),
      );
      expect({ deployment: d.metadata.name, selected: selecting.length > 0 }).toEqual({
        deployment: d.metadata.name,
        selected: true,
      });
    }
    const rules = (name: string): IngressRule[] =>
      policies.find((p) => p.metadata.name === name)?.spec.ingress ?? [];
    const onPort = (name: string, port: string | number): IngressRule[] =>
      rules(name).filter((r) => (r.ports ?? []).some((p) => p.port === port));
    // social-graph's gRPC: named OnAir pods only (no namespace, address block or open peer),
    // stream-sessions among them, and not the edge (which calls its HTTP API only).
    const grpc = onPort('social-graph', 'grpc');
    expect(grpc).toHaveLength(1);
    const peers = grpc[0].from ?? [];
    expect(peers.length).toBeGreaterThan(0);
    for (const peer of peers) expect(Object.keys(peer)).toEqual(['podSelector']);
    const callers = peers.map((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name']);
    expect(callers).toContain('stream-sessions');
    expect(callers).not.toContain('edge');
    // sfu-worker: WebRTC over UDP from anywhere (a rule without `from`); relays from SFU pods only.
    const media = rules('sfu-worker').filter(
      (r) => !r.from && (r.ports ?? []).some((p) => p.protocol === 'UDP'),
    );
    expect(media.length).toBeGreaterThan(0);
    const relayTls = onPort('sfu-worker', 7114);
    expect(relayTls.length).toBeGreaterThan(0);
    for (const r of relayTls)
      expect(r.from?.map((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'])).toEqual([
        'sfu-worker',
      ]);
  });

  it('helm upgrade --reuse-values: the SFU HPA and Deployment follow minReplicas 3', async () => {
    if (!installed) throw new Error('the install failed (see above): nothing to upgrade');
    await helm(
      [
        'upgrade',
        RELEASE,
        chart,
        '--namespace',
        NS,
        '--reuse-values',
        '--wait',
        '--timeout',
        HELM_TIMEOUT,
        '--set',
        'sfu-worker.autoscaling.minReplicas=3,sfu-worker.autoscaling.maxReplicas=4',
      ],
      cp,
    );
    const hpa = await api().get(nsPath('/apis/autoscaling/v2', 'horizontalpodautoscalers', 'sfu-worker'));
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 4 });
    // No metrics server here: the HPA controller still raises the replicas to minReplicas.
    await waitForSfuReplicas(3);
    await expectSfuPodsOnDistinctNodes(3);
  }, 180_000);

  it('helm uninstall removes the release objects', async () => {
    await helm(['uninstall', RELEASE, '--namespace', NS, '--wait', '--timeout', '60s'], cp);
    await waitFor(
      'no Deployments, HPAs, NetworkPolicies or pods left in the namespace',
      async () => {
        const left = [
          ...(await api().list(nsPath('/apis/apps/v1', 'deployments'))),
          ...(await api().list(nsPath('/apis/autoscaling/v2', 'horizontalpodautoscalers'))),
          ...(await api().list(nsPath('/apis/networking.k8s.io/v1', 'networkpolicies'))),
          ...(await api().list(`/api/v1/namespaces/${NS}/pods`)),
        ];
        if (left.length > 0)
          throw new Error(`still there: ${left.map((o) => `${o.kind ?? ''}${o.metadata.name}`).join(', ')}`);
        return true;
      },
      60_000,
    );
  }, 90_000);

  it('stops every control-plane process', async () => {
    const pids = cp?.pids() ?? [];
    expect(pids.length).toBeGreaterThan(0);
    await cp?.stop();
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 30_000);
});
