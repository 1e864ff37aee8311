import type { EdgeConfig } from '../config.js';

const PROBE_TIMEOUT_MS = 1_000;

/** Each upstream once: the named services, then route targets that name none, by origin. */
export function upstreamsOf(config: EdgeConfig): Map<string, URL> {
  const upstreams = new Map(config.services);
  const known = new Set([...upstreams.values()].map((u) => u.origin));
  for (const route of config.routes) {
    if (known.has(route.target.origin)) continue;
    known.add(route.target.origin);
    upstreams.set(route.target.origin, route.target);
  }
  return upstreams;
}

/** Whether each upstream's `/healthz` answers 2xx within a second, probed in parallel. */
export async function probeUpstreams(upstreams: Map<string, URL>): Promise<Record<string, boolean>> {
  const probes = [...upstreams].map(async ([name, origin]): Promise<[string, boolean]> => {
    try {
      const res = await fetch(new URL('/healthz', origin), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await res.body?.cancel();
      return [name, res.ok];
    } catch {
      return [name, false];
    }
  });
  return Object.fromEntries(await Promise.all(probes));
}
