// The files and command lines of the control plane's components (control-plane.ts starts them):
// credentials, the kubeconfig, and each component's flags with why it needs them.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ADMIN_TOKEN = 'onair-cluster-test-admin';

// kwok's own stages (nodes become Ready and heartbeat, pods run, Job pods complete, deleted pods
// go), relative to the folder ensure_kube_tools copied from the kwok module's kustomize/stage/.
const KWOK_STAGES = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat/node-heartbeat.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];
// Ours, under tools/kube/.
const OWN_STAGES = ['pod-helm-test-succeeded.yaml'];

export interface ComponentPaths {
  dir: string; // the control plane's temporary folder
  kubeconfig: string;
  apiserverCert: string;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
}

// One self-signed certificate serves the API and is the CA every client trusts; the service
// account key signs the pods' tokens; one static token (group system:masters) is every client.
export function writeCredentials(p: ComponentPaths, server: string): void {
  // prettier-ignore
  openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=onair-test-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(p.dir, 'apiserver.key'), '-out', p.apiserverCert,
  ]);
  openssl([
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    join(p.dir, 'sa.key'),
  ]);
  openssl(['pkey', '-in', join(p.dir, 'sa.key'), '-pubout', '-out', join(p.dir, 'sa.pub')]);
  writeFileSync(join(p.dir, 'tokens.csv'), `${ADMIN_TOKEN},onair-admin,onair-admin,"system:masters"\n`);
  // prettier-ignore
  writeFileSync(p.kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: onair-test',
    'clusters:', '- name: onair-test', '  cluster:', `    server: ${server}`, `    certificate-authority: ${p.apiserverCert}`,
    'users:', '- name: onair-admin', '  user:', `    token: ${ADMIN_TOKEN}`,
    'contexts:', '- name: onair-test', '  context:', '    cluster: onair-test', '    user: onair-admin', '',
  ].join('\n'));
}

export function etcdArgs(p: ComponentPaths, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  // prettier-ignore
  return [
    '--name', 'onair-test', '--data-dir', join(p.dir, 'etcd'),
    '--unsafe-no-fsync', // throwaway data: no fsync latency on a busy disk
    '--listen-client-urls', client, '--advertise-client-urls', client,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `onair-test=${peer}`,
  ];
}

export function apiserverArgs(p: ComponentPaths, etcdPort: number, apiPort: number): string[] {
  // prettier-ignore
  return [
    '--etcd-servers', `http://127.0.0.1:${etcdPort}`,
    '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(apiPort),
    '--cert-dir', join(p.dir, 'apiserver-certs'),
    '--tls-cert-file', p.apiserverCert, '--tls-private-key-file', join(p.dir, 'apiserver.key'),
    '--token-auth-file', join(p.dir, 'tokens.csv'), '--authorization-mode', 'RBAC',
    '--service-account-issuer', 'https://kubernetes.default.svc',
    '--service-account-key-file', join(p.dir, 'sa.pub'), '--service-account-signing-key-file', join(p.dir, 'sa.key'),
    // Else every fake node keeps the not-ready taint it is created with.
    '--disable-admission-plugins', 'TaintNodesByCondition',
    // Service addresses nothing routes; the `kubernetes` Service gets no endpoints (a loopback
    // advertise address is refused there).
    '--service-cluster-ip-range', '127.100.0.0/24', '--endpoint-reconciler-type', 'none',
    '--allow-privileged',
  ];
}

// No leader election (one of each) and no serving port (nothing scrapes them; no port clashes).
function controllerArgs(p: ComponentPaths): string[] {
  return ['--kubeconfig', p.kubeconfig, '--leader-elect=false', '--secure-port', '0'];
}

export function controllerManagerArgs(p: ComponentPaths): string[] {
  // prettier-ignore
  return [
    ...controllerArgs(p),
    '--service-account-private-key-file', join(p.dir, 'sa.key'), '--root-ca-file', p.apiserverCert,
    // No kubelet heartbeats to judge: kwok's nodes would be tainted and their pods evicted.
    '--controllers', '*,-node-lifecycle-controller',
    // The HPA controller then enforces minReplicas within seconds of a change.
    '--horizontal-pod-autoscaler-sync-period', '2s',
  ];
}

export function schedulerArgs(p: ComponentPaths): string[] {
  return controllerArgs(p);
}

export function kwokArgs(p: ComponentPaths, kwokStagesDir: string, ownStagesDir: string): string[] {
  const stages = [
    ...KWOK_STAGES.map((s) => join(kwokStagesDir, s)),
    ...OWN_STAGES.map((s) => join(ownStagesDir, s)),
  ];
  // prettier-ignore
  return [
    '--kubeconfig', p.kubeconfig,
    // Only the nodes control-plane.ts creates with this annotation.
    '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector', 'kwok.x-k8s.io/node=fake',
    // Benchmarking ranges (RFC 2544), never routed here: loopback pod IPs (127.101.0.0/16, as
    // RECIPES had it) make the endpoint controllers fail and retry on every Service.
    '--cidr', '198.18.0.0/16', '--node-ip', '198.19.0.1',
    ...stages.flatMap((f) => ['--config', f]),
  ];
}
