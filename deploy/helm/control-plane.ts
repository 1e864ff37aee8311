// A throwaway Kubernetes control plane on loopback for the cluster test of the charts: etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok faking the nodes and their
// pods (no kubelet, no containers). The binaries come from tools/lib/kube-tools.sh
// (ensure_kube_tools); when they are missing start() throws, so the suite fails rather than skips.
// Each component runs in its own process group and stop() kills the groups, so no etcd or
// apiserver outlives the test. Nothing routes the Service and pod addresses: this checks objects,
// scheduling, hooks and rollouts, not traffic.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KubeApi, KubeObject, waitFor } from './control-plane-api';
import {
  ADMIN_TOKEN,
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  freePort,
  kwokArgs,
  schedulerArgs,
  writeCredentials,
} from './control-plane-components';
import { Processes } from './control-plane-processes';

const REPO_ROOT = resolve(__dirname, '..', '..');
const ENSURE_HINT =
  'run: source tools/lib/common.sh; source tools/lib/helm-tools.sh; source tools/lib/kube-tools.sh; ensure_kube_tools';
// Our kwok stages.
const OWN_STAGES_DIR = join(REPO_ROOT, 'tools', 'kube');

type KubeToolKey = 'ONAIR_ETCD_BIN' | 'ONAIR_KUBE_BIN_DIR' | 'ONAIR_KWOK_BIN' | 'ONAIR_KWOK_STAGES_DIR';

function stateEnv(key: string): string | undefined {
  const file = join(process.env.ONAIR_STATE || join(REPO_ROOT, '.onair'), 'env');
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1).trim();
}

export function kubeTool(key: KubeToolKey): string {
  const value = process.env[key] || stateEnv(key);
  if (!value) throw new Error(`${key} is not set in the environment nor in .onair/env; ${ENSURE_HINT}`);
  if (!existsSync(value)) throw new Error(`${key}=${value} does not exist; ${ENSURE_HINT}`);
  return value;
}

export interface ControlPlaneOptions {
  nodes: number;
  // Per fake node; the SFU pods ask for whole cores.
  nodeCpu?: string;
  nodeMemory?: string;
}

export interface ControlPlane {
  kubeconfig: string;
  api: KubeApi;
  nodeNames: string[];
  // Of every component still running, for the check that stop() left none.
  pids(): number[];
  // Idempotent.
  stop(): Promise<void>;
}

function fakeNode(name: string, zone: string, cpu: string, memory: string): object {
  const resources = { cpu, memory, pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': zone,
        type: 'kwok',
      },
    },
    spec: {},
    status: { allocatable: resources, capacity: resources },
  };
}

function nodeReady(node: KubeObject): boolean {
  return (node.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const bins = {
    etcd: kubeTool('ONAIR_ETCD_BIN'),
    kube: kubeTool('ONAIR_KUBE_BIN_DIR'),
    kwok: kubeTool('ONAIR_KWOK_BIN'),
    stages: kubeTool('ONAIR_KWOK_STAGES_DIR'),
  };
  const dir = mkdtempSync(join(tmpdir(), 'onair-kube-'));
  const paths = { dir, kubeconfig: join(dir, 'kubeconfig'), apiserverCert: join(dir, 'apiserver.crt') };
  const procs = new Processes(dir);
  const stop = async (): Promise<void> => {
    await procs.stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;
    writeCredentials(paths, server);
    const api = new KubeApi(server, readFileSync(paths.apiserverCert, 'utf8'), ADMIN_TOKEN);
    procs.start('etcd', bins.etcd, etcdArgs(paths, etcdPort, peerPort));
    procs.start('kube-apiserver', join(bins.kube, 'kube-apiserver'), apiserverArgs(paths, etcdPort, apiPort));
    await waitFor('kube-apiserver /readyz', async () => (procs.alive(), api.ready()), 90_000);
    procs.start(
      'kube-controller-manager',
      join(bins.kube, 'kube-controller-manager'),
      controllerManagerArgs(paths),
    );
    procs.start('kube-scheduler', join(bins.kube, 'kube-scheduler'), schedulerArgs(paths));
    procs.start('kwok', bins.kwok, kwokArgs(paths, bins.stages, OWN_STAGES_DIR));
    const nodeNames = await addNodes(api, procs, opts);
    // The controller-manager creates each namespace's `default` ServiceAccount; pods need it.
    await waitFor(
      'the default ServiceAccount (controller-manager running)',
      async () => {
        procs.alive();
        return (await api.find('/api/v1/namespaces/default/serviceaccounts/default')) !== null;
      },
      60_000,
    );
    return { kubeconfig: paths.kubeconfig, api, nodeNames, pids: () => procs.pids(), stop };
  } catch (e) {
    // The folder (logs, etcd data) is kept for the post-mortem; the processes are not.
    await procs.stopAll();
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`control plane did not start (logs kept: ${procs.logs()}): ${why}`);
  }
}

// Fake nodes for kwok to run, spread over 3 zones (for the charts' topology spread).
async function addNodes(api: KubeApi, procs: Processes, opts: ControlPlaneOptions): Promise<string[]> {
  const nodeNames = Array.from({ length: opts.nodes }, (_, i) => `kwok-node-${i}`);
  for (const [i, name] of nodeNames.entries()) {
    const node = fakeNode(name, `zone-${i % 3}`, opts.nodeCpu ?? '16', opts.nodeMemory ?? '64Gi');
    await api.create('/api/v1/nodes', node);
  }
  await waitFor(
    `${opts.nodes} kwok nodes Ready`,
    async () => {
      procs.alive();
      return (await api.list('/api/v1/nodes')).filter(nodeReady).length === opts.nodes;
    },
    60_000,
  );
  return nodeNames;
}
