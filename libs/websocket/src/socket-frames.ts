import type { RawData, WebSocket } from 'ws';

/** Per-socket bounds (each protocol documents its own, e.g. SIGNALLING.md "Limits"). */
export interface FrameLimits {
  /** Frames per second a socket may send on average… */
  framesPerSecond: number;
  /** …and at once, after a quiet moment (a join sends about eight). */
  burst: number;
  /** Frames waiting to be handled: before the ticket check ends, or behind a slow request. */
  maxPending: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = { framesPerSecond: 20, burst: 40, maxPending: 16 };

/** Close code for a socket past its limits: 4000 + 429. */
export const LIMIT_CLOSE_CODE = 4429;

/**
 * One socket's incoming frames, handled one at a time in the order they came: a request sees
 * every earlier request's effect (two pipelined createWebRtcTransport cannot both pass the
 * one-per-direction check). Frames arriving before the ticket check ends wait here, bounded.
 * A socket that sends faster than its limits is told why and closed.
 */
export class SocketFrames {
  private readonly queue: Array<{ data: RawData; isBinary: boolean }> = [];
  private handler?: (data: RawData, isBinary: boolean) => Promise<void>;
  private draining = false;
  private stopped = false;
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly ws: WebSocket,
    /** The protocol's error frame, sent before a socket past its limits is closed. */
    private readonly errorFrame: (code: string, message: string) => string,
    private readonly limits: FrameLimits = DEFAULT_FRAME_LIMITS,
  ) {
    this.tokens = limits.burst;
    ws.on('message', (data, isBinary) => this.push(data, isBinary));
    ws.once('close', () => this.stop());
  }

  /** From now on frames go to `handler`, the waiting ones first. */
  start(handler: (data: RawData, isBinary: boolean) => Promise<void>): void {
    this.handler = handler;
    void this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private push(data: RawData, isBinary: boolean): void {
    if (this.stopped) return;
    if (!this.takeToken()) return this.refuse('SIGNAL.RATE_LIMITED', `more than ${this.limits.framesPerSecond} frames per second`);
    if (this.queue.length >= this.limits.maxPending) return this.refuse('SIGNAL.TOO_MANY_PENDING', `more than ${this.limits.maxPending} frames waiting`);
    this.queue.push({ data, isBinary });
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining || !this.handler) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next && !this.stopped; next = this.queue.shift()) await this.handler(next.data, next.isBinary);
    } finally {
      this.draining = false;
    }
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.limits.framesPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refuse(code: string, message: string): void {
    this.stop();
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(this.errorFrame(code, message));
    this.ws.close(LIMIT_CLOSE_CODE, code);
  }
}
