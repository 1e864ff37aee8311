// A signalling WebSocket as the web client speaks it (services/sfu-worker/SIGNALLING.md), for
// the relay benches: requests answered by id, notifications kept in order.
import { WebSocket } from 'ws';

interface Frame {
  id?: number | null;
  ok?: boolean;
  result?: Record<string, any>;
  error?: { code: string; message: string };
  notification?: string;
  data?: Record<string, any>;
}

export class SignalClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (frame: Frame) => void>();
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The `joined` notification's data: participantId, role, producers. */
  readonly joined: Record<string, any>;
  private readonly ws: WebSocket;

  private constructor(ws: WebSocket, joined: Record<string, any>) {
    this.ws = ws;
    this.joined = joined;
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Frame;
      if (typeof frame.id === 'number') this.waiting.get(frame.id)?.(frame);
    });
  }

  /** Opens the socket and waits for `joined`; a refusal (error frame, close) throws with its code. */
  static join(url: string, timeoutMs = 15_000): Promise<SignalClient> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`signalling join failed: ${why}`));
      };
      const timer = setTimeout(() => fail(`no joined within ${timeoutMs} ms`), timeoutMs);
      ws.on('error', (err) => fail(err.message));
      ws.on('close', (code, reason) => fail(`closed ${code} ${reason.toString()}`));
      ws.on('message', function first(raw) {
        const frame = JSON.parse(raw.toString()) as Frame;
        if (frame.notification === 'joined') {
          clearTimeout(timer);
          ws.removeAllListeners('close');
          ws.removeAllListeners('error');
          ws.off('message', first);
          ws.on('error', () => undefined);
          resolve(new SignalClient(ws, frame.data ?? {}));
        } else if (frame.ok === false) {
          fail(`${frame.error?.code}: ${frame.error?.message}`);
        }
      });
    });
  }

  /** An ok response's result; an error frame throws with its code. */
  request(method: string, params: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (frame) => {
        this.waiting.delete(id);
        if (frame.ok) resolve(frame.result ?? {});
        else reject(new Error(`${method}: ${frame.error?.code}: ${frame.error?.message}`));
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Leaves (the node closes the socket with 1000 SFU.LEFT) and waits for the close. */
  async leave(): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify({ id: this.nextId++, method: 'leave', params: {} }));
    await this.closed;
  }

  close(): void {
    this.ws.terminate();
  }
}
