// The operator's guide (deploy/helm/README.md) states what the sfu-worker chart renders by default
// in one table; operators size and upgrade by it. Every row must match the chart as rendered on
// its own and inside the umbrella chart, and every fact the spec knows how to read must be a row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HELM_DIR, TIMEOUT_MS, rendered } from './chart-rendering';

const SECTION = '### What the sfu-worker chart renders (defaults)';

// `| setting | `value` | note |` rows of the table under SECTION.
function guideTable(): Map<string, string> {
  const text = readFileSync(join(HELM_DIR, 'README.md'), 'utf8');
  const at = text.indexOf(SECTION);
  if (at < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const rows = new Map<string, string>();
  for (const line of text.slice(at + SECTION.length).split('\n').map((l) => l.trim())) {
    if (line.startsWith('#')) break;
    const m = /^\| ([^|]+?) \| `([^`]+)` \|/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  if (rows.size === 0) throw new Error(`no table rows under "${SECTION}"`);
  return rows;
}

type Doc = { kind: string; metadata: { name: string }; spec: any };

// The same facts, read from a render, in the table's wording.
function facts(all: string, name: string): Map<string, string> {
  const docs: Doc[] = parseAllDocuments(all).map((d) => d.toJS()).filter(Boolean);
  const one = (kind: string) => {
    const found = docs.filter((d) => d.kind === kind && d.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0].spec;
  };
  const hpa = one('HorizontalPodAutoscaler');
  const metric = (m: any) =>
    m.type === 'Pods'
      ? `Pods ${m.pods.metric.name} ${m.pods.target.type} ${m.pods.target.averageValue}`
      : `Resource ${m.resource.name} ${m.resource.target.type} ${m.resource.target.averageUtilization}%`;
  const deploy = one('Deployment');
  const pod = deploy.template.spec;
  const container = pod.containers.find((c: any) => c.name === 'sfu-worker');
  const rtc = (protocol: string) =>
    container.ports.filter((p: any) => p.name.startsWith('rtc-') && p.protocol === protocol).map((p: any) => `${p.containerPort}${p.hostPort === p.containerPort ? '' : ` (host ${p.hostPort})`}`).join(', ');
  const preStop = container.lifecycle.preStop;
  const strategy = deploy.strategy;
  return new Map([
    ['HPA replicas', `${hpa.minReplicas}..${hpa.maxReplicas}`],
    ['HPA metrics', hpa.metrics.map(metric).join('; ')],
    ['PDB maxUnavailable', String(one('PodDisruptionBudget').maxUnavailable)],
    ['WebRTC ports', `UDP ${rtc('UDP')}; TCP ${rtc('TCP')}`],
    ['Pod network', `hostNetwork: ${pod.hostNetwork === true}`],
    ['terminationGracePeriodSeconds', String(pod.terminationGracePeriodSeconds)],
    ['preStop hook', preStop.exec ? `exec ${preStop.exec.command.join(' ')}` : JSON.stringify(preStop)],
    ['Rollout', `${strategy.type} maxSurge ${strategy.rollingUpdate.maxSurge}, maxUnavailable ${strategy.rollingUpdate.maxUnavailable}`],
  ]);
}

describe("operator's guide: the sfu-worker table", () => {
  const table = guideTable();

  it.each([
    ['the sfu-worker chart', () => facts(rendered(join(HELM_DIR, 'sfu-worker')), 'ci-sfu-worker')],
    ['the umbrella chart', () => facts(rendered(join(HELM_DIR, 'onair')), 'sfu-worker')],
  ])('matches %s as rendered with its defaults', (_what, render) => {
    const actual = render();
    expect([...table.keys()].sort()).toEqual([...actual.keys()].sort());
    for (const [setting, value] of actual) expect({ setting, guide: table.get(setting) }).toEqual({ setting, guide: value });
  }, TIMEOUT_MS);
});
