// SFU nodes a page could not use moments ago: the one it lost (killed, scaled away, full), or
// the one its node could not relay from. Sent with the next ticket requests so that placement
// leaves them out before their load reports say so (a crashed node is forgotten only once it has
// been silent for SFU_NODE_STALE_SECONDS).

/** Long enough for a node's silence or drain to reach placement by itself. */
const AVOID_MS = 10_000;
/** What stream-sessions takes at most. */
const MAX_AVOIDED = 8;

export class AvoidedNodes {
  private readonly until = new Map<string, number>();

  add(nodeId: unknown): void {
    if (typeof nodeId !== 'string' || nodeId === '') return;
    this.until.delete(nodeId);
    this.until.set(nodeId, Date.now() + AVOID_MS);
  }

  /** Placement found nothing left for us: the hints starved us, the next request goes without. */
  clear(): void {
    this.until.clear();
  }

  /** The most recently avoided first, expired ones dropped. */
  list(): string[] {
    const now = Date.now();
    for (const [nodeId, until] of this.until) if (until <= now) this.until.delete(nodeId);
    return [...this.until.keys()].reverse().slice(0, MAX_AVOIDED);
  }
}

/** Waits between ticket attempts: quick at first (a lost node's viewers resume within seconds), then 1 s. */
export const retryDelayMs = (attempt: number): number => Math.min(1000, 150 * 2 ** (attempt - 1));
