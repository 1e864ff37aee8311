/** What the limits say about one message. */
export type LimitVerdict = 'ok' | 'rate_limited' | 'duplicate';

interface Writer {
  tokens: number;
  refilledAt: number;
  lastText?: string;
  lastAt: number;
  /** Times of recent refusals: too many of them is a flood. */
  refusals: number[];
}

/** An identical message from the same writer within this long is collapsed into the first. */
const DUPLICATE_WINDOW_MS = 30_000;
/** This many refused messages within FLOOD_WINDOW_MS close the socket. */
const FLOOD_REFUSALS = 10;
const FLOOD_WINDOW_MS = 10_000;

/**
 * Per writer per room on this pod (a room's sockets are on few pods, and one writer's usually on
 * one): a token bucket (`perSecond` on average, `burst` at once), identical messages collapsed,
 * and a flood (refusal after refusal) detected so the socket can be closed.
 */
export class MessageLimits {
  private readonly writers = new Map<string, Writer>();
  private lastSweep = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  check(roomId: string, accountId: string, text: string, now = Date.now()): LimitVerdict {
    if (now - this.lastSweep > 60_000) this.sweep(now);
    const key = `${roomId}|${accountId}`;
    const w = this.writers.get(key) ?? { tokens: this.burst, refilledAt: now, lastAt: 0, refusals: [] };
    this.writers.set(key, w);
    if (w.lastText === text && now - w.lastAt < DUPLICATE_WINDOW_MS) return 'duplicate';
    w.tokens = Math.min(this.burst, w.tokens + ((now - w.refilledAt) / 1000) * this.perSecond);
    w.refilledAt = now;
    if (w.tokens < 1) return 'rate_limited';
    w.tokens -= 1;
    w.lastText = text;
    w.lastAt = now;
    return 'ok';
  }

  /** Records a refused message; true when the writer is flooding (the socket is to be closed). */
  refused(roomId: string, accountId: string, now = Date.now()): boolean {
    const w = this.writers.get(`${roomId}|${accountId}`);
    if (!w) return false;
    w.refusals = [...w.refusals.filter((t) => now - t < FLOOD_WINDOW_MS), now];
    return w.refusals.length >= FLOOD_REFUSALS;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, w] of this.writers) if (now - Math.max(w.lastAt, w.refilledAt) > 120_000) this.writers.delete(key);
  }
}
