// The node's load as one number in [0, 1], exported as the Prometheus gauge `sfu_load_ratio`:
// the signal the sfu-worker HorizontalPodAutoscaler scales on (deploy/helm/sfu-worker).

export interface NodeLoadFigures {
  /** Consumers on all the node's workers, as NodeLoadReported sums them for placement. */
  consumers: number;
  /** NodeLoadReported's consumerCapacity: one full Router per worker. */
  consumerCapacity: number;
  /** Each worker's CPU over the last report interval (0-100 per core). */
  workerCpuPercents: number[];
  draining: boolean;
}

/**
 * The figures stream-sessions' placement judges this node by, from the same NodeLoadReported
 * data: consumers / consumerCapacity (the share it sorts nodes by and compares with its fill
 * limit, SFU_NODE_FILL_LIMIT 0.9, before it stops sending viewers here) and the workers' mean CPU
 * (its tie-break; media degrades as a core saturates, whatever the consumer count says). The
 * larger of the two, capped at 1. A draining node reads 1: placement sends it nobody, so for
 * the autoscaler it is a full node. That makes it the HPA's signal: it climbs towards 1 exactly
 * as placement runs out of room on this pod, so scaling at an average well below the fill limit
 * (e.g. 0.6) adds pods before viewers meet full ones. CPU alone lags it: a pod can be full of
 * idle viewers (a quiet broadcast) yet take no one more.
 */
export function loadRatio(load: NodeLoadFigures): number {
  if (load.draining) return 1;
  const consumers = load.consumers / Math.max(load.consumerCapacity, 1);
  const cpus = load.workerCpuPercents;
  const cpu = cpus.length ? cpus.reduce((sum, c) => sum + c, 0) / cpus.length / 100 : 0;
  return Math.min(1, Math.max(0, consumers, cpu));
}
