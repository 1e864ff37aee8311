// The SFU's WebSocket signalling protocol (services/sfu-worker/SIGNALLING.md): requests with
// ids answered by responses, plus notifications pushed by the SFU.

type Pending = { resolve: (data: unknown) => void; reject: (err: Error) => void };

export class SignallingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export class Signalling {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Array<(data: any) => void>>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e) => this.onMessage(String(e.data)));
    socket.addEventListener('close', (e) => {
      for (const p of this.pending.values()) p.reject(new SignallingError('SFU.DISCONNECTED', e.reason || 'signalling closed'));
      this.pending.clear();
      this.emit('close', { code: e.code, reason: e.reason });
    });
  }

  static open(url: string): Promise<Signalling> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.addEventListener('open', () => resolve(new Signalling(socket)), { once: true });
      socket.addEventListener('close', (e) => reject(new SignallingError('SFU.DISCONNECTED', e.reason || `closed (${e.code})`)), { once: true });
    });
  }

  request<T = any>(method: string, data: unknown = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, data }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject }));
  }

  on(notification: string, listener: (data: any) => void): void {
    this.listeners.set(notification, [...(this.listeners.get(notification) ?? []), listener]);
  }

  close(): void {
    this.socket.close(1000, 'leaving');
  }

  private emit(name: string, data: unknown) {
    for (const l of this.listeners.get(name) ?? []) l(data);
  }

  private onMessage(raw: string) {
    const frame = JSON.parse(raw);
    if (typeof frame.id === 'number' && this.pending.has(frame.id)) {
      const p = this.pending.get(frame.id)!;
      this.pending.delete(frame.id);
      if (frame.ok === false || frame.error) p.reject(new SignallingError(frame.error?.code ?? 'SFU.ERROR', frame.error?.message ?? 'error'));
      else p.resolve(frame.data);
    } else if (frame.notification) {
      this.emit(frame.notification, frame.data);
    }
  }
}
