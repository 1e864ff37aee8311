// Helm against the local control plane, and the operator's objects a release expects to find,
// for the cluster specs (onair.cluster.spec.ts).
import { spawn } from 'node:child_process';
import { tool } from './chart-rendering';
import { ControlPlane } from './control-plane';
import { KubeApi } from './control-plane-api';

interface HelmRun {
  status: number | null;
  out: string;
}

// Async (not spawnSync): the control plane's child processes must keep being reaped meanwhile.
function runHelm(args: string[], kubeconfig?: string): Promise<HelmRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool('ONAIR_HELM_BIN'), kubeconfig ? [...args, '--kubeconfig', kubeconfig] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out }));
  });
}

// helm's output; on failure, throws with it and (given a control plane) what the cluster shows.
export async function helm(args: string[], cp?: ControlPlane): Promise<string> {
  const r = await runHelm(args, cp?.kubeconfig);
  if (r.status !== 0) {
    const at = args.indexOf('--namespace');
    const ns = at >= 0 ? args[at + 1] : undefined;
    throw new Error(
      `helm ${args.join(' ')}: exit ${r.status}\n${r.out}${cp && ns ? await diagnose(cp.api, ns) : ''}`,
    );
  }
  return r.out;
}

// Names of the rendered documents of one kind (`helm template` output, "---"-separated YAML).
export function renderedNames(manifests: string, kind: string): string[] {
  return manifests
    .split(/^---$/m)
    .filter((doc) => new RegExp(`^kind: ${kind}$`, 'm').test(doc))
    .map((doc) => /^metadata:\n(?:\s{2}.*\n)*?\s{2}name: "?([^"\s]+)"?$/m.exec(doc)?.[1] ?? '?')
    .sort();
}

// The operator's side of the install: the namespace, and the PersistentVolumeClaims the values
// name (claimName in the rendered pods), each bound to a hostPath PersistentVolume that no
// kubelet will ever mount. The scheduler keeps pods with an unbound claim Pending.
export async function createOperatorObjects(api: KubeApi, ns: string, rendered: string): Promise<string[]> {
  await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const claims = [
    ...new Set([...rendered.matchAll(/^\s+claimName: "?([^"\s]+)"?$/gm)].map((m) => m[1])),
  ].sort();
  for (const claim of claims) {
    const spec = { accessModes: ['ReadWriteMany'], storageClassName: '' };
    await api.create('/api/v1/persistentvolumes', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${ns}-${claim}` },
      spec: {
        ...spec,
        capacity: { storage: '10Gi' },
        hostPath: { path: `/nonexistent/${claim}` },
        claimRef: { namespace: ns, name: claim },
      },
    });
    await api.create(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim },
      spec: { ...spec, volumeName: `${ns}-${claim}`, resources: { requests: { storage: '10Gi' } } },
    });
  }
  return claims;
}

// What a failed --wait leaves to read: pods that are not running, and the Warning events.
async function diagnose(api: KubeApi, ns: string): Promise<string> {
  try {
    const pods = await api.list(`/api/v1/namespaces/${ns}/pods`);
    const notRunning = pods
      .filter((p) => p.status?.phase !== 'Running' && p.status?.phase !== 'Succeeded')
      .map((p) => `${p.metadata.name} ${p.status?.phase} ${JSON.stringify(p.status?.conditions ?? [])}`);
    const events = (await api.list(`/api/v1/namespaces/${ns}/events`))
      .filter((e) => (e as { type?: string }).type === 'Warning')
      .slice(-20)
      .map((e) => {
        const ev = e as unknown as { involvedObject: { name: string }; reason: string; message: string };
        return `${ev.involvedObject.name}: ${ev.reason}: ${ev.message}`;
      });
    return `\n--- pods not running (${notRunning.length} of ${pods.length}) ---\n${notRunning.join('\n')}\n--- Warning events ---\n${events.join('\n')}`;
  } catch (e) {
    return `\n(diagnosis failed: ${e instanceof Error ? e.message : String(e)})`;
  }
}
