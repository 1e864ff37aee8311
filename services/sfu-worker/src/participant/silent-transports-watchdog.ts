import type { types } from 'mediasoup';

/**
 * Ends a publisher whose transports have received nothing for `timeoutMs`. WHIP and plain-publish
 * sessions have no socket whose close says the encoder is gone (mediasoup 3.12 has no ICE
 * consent checks, and a PlainTransport has no connection at all): silence is the only sign.
 */
export class SilentTransportsWatchdog {
  private lastBytes = 0;
  private lastChange = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly transports: types.Transport[],
    private readonly timeoutMs: number,
    private readonly onSilent: () => void,
  ) {
    this.timer = setInterval(() => void this.check(), Math.min(5000, Math.max(100, timeoutMs / 3))).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    let bytes = 0;
    for (const t of this.transports) {
      const [stats] = await t.getStats().catch(() => []);
      bytes += stats?.bytesReceived ?? 0;
    }
    if (bytes !== this.lastBytes) {
      this.lastBytes = bytes;
      this.lastChange = Date.now();
    } else if (Date.now() - this.lastChange >= this.timeoutMs) {
      this.stop();
      this.onSilent();
    }
  }
}
