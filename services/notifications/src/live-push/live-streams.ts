import type { ServerResponse } from 'node:http';

interface Stream {
  accountId: string;
  sessionId: string;
  res: ServerResponse;
}

/**
 * The live streams (Server-Sent Events) open on this pod, by account: bounded per account and
 * per pod; each gets a comment line every HEARTBEAT_MS (proxies keep it open, a dead peer is
 * found), and is closed once its sign-in session is revoked.
 */
export class LiveStreams {
  private readonly byAccount = new Map<string, Set<Stream>>();
  private count = 0;
  private closing = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly limits: { perAccount: number; perPod: number },
    private readonly isRevoked: (sessionId: string) => boolean,
    heartbeatMs = 20_000,
  ) {
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.count;
  }

  /** 'full' when this pod or this account has as many streams as allowed. */
  room(accountId: string): 'ok' | 'account' | 'pod' {
    if (this.closing || this.count >= this.limits.perPod) return 'pod';
    if ((this.byAccount.get(accountId)?.size ?? 0) >= this.limits.perAccount) return 'account';
    return 'ok';
  }

  open(accountId: string, sessionId: string, res: ServerResponse): void {
    const stream: Stream = { accountId, sessionId, res };
    const set = this.byAccount.get(accountId) ?? new Set<Stream>();
    set.add(stream);
    this.byAccount.set(accountId, set);
    this.count++;
    res.once('close', () => {
      if (!set.delete(stream)) return;
      this.count--;
      if (set.size === 0) this.byAccount.delete(accountId);
    });
  }

  /** Writes an event to every stream of the account on this pod; whether it has any. */
  send(accountId: string, event: string, data: unknown): boolean {
    const set = this.byAccount.get(accountId);
    if (!set) return false;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    // A stream that cannot keep up (its buffer full) is closed rather than let grow: the client reconnects and reads its inbox.
    for (const s of set) if (!s.res.write(frame) && s.res.writableLength > 1_000_000) s.res.destroy();
    return true;
  }

  /** Ends every stream, saying why (the client reconnects, through the Service, to another pod), and takes no new ones. */
  closeAll(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const set of this.byAccount.values()) for (const s of set) s.res.end('event: closed\ndata: {"code":"NOTIFICATIONS.SHUTTING_DOWN"}\n\n');
  }

  private beat(): void {
    for (const set of this.byAccount.values()) {
      for (const s of set) {
        if (this.isRevoked(s.sessionId)) {
          s.res.end('event: closed\ndata: {"code":"AUTH.TOKEN_REVOKED"}\n\n');
          continue;
        }
        s.res.write(': keep-alive\n\n');
      }
    }
  }
}
