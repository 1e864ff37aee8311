// The SFU's WebSocket signalling protocol (services/sfu-worker/SIGNALLING.md): requests with
// ids answered by responses, plus notifications pushed by the SFU.

import type { RtpCapabilities } from 'mediasoup-client/types';

const OPEN_TIMEOUT_MS = 10_000;
/** Notifications of one name kept for a listener still to come; older ones go first past this. */
const MAX_UNHEARD = 100;

/** The SFU's first frame once it admits a connection. */
export interface Joined {
  producers: Array<{ producerId: string; kind: string }>;
  /** The Router's, as getRouterRtpCapabilities answers (absent from nodes of earlier releases). */
  rtpCapabilities?: RtpCapabilities;
}

type Pending = { resolve: (data: unknown) => void; reject: (err: Error) => void };

export class SignallingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The error's details, as the SFU sent them (SFU.RELAY_UNAVAILABLE names the node it could not relay from). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${code}: ${message}`);
  }
}

export class Signalling {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Array<(data: any) => void>>();
  /**
   * Notifications nobody listened for yet, in order: `joined`, sent right after the upgrade, and
   * whatever comes while the page sets up after it (a `producerAdded` then was lost, and the page
   * watched nothing: the publisher's return raced its viewers' rejoin).
   */
  private readonly unheard = new Map<string, unknown[]>();
  /** The close, once the connection has closed: a listener that comes later hears it at once. */
  private closedWith?: { code: number; reason: string };
  /** Why the SFU refused or ended the connection (an error frame without a request id, or the close). */
  private ended?: SignallingError;

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e) => this.onMessage(String(e.data)));
    socket.addEventListener('close', (e) => {
      this.ended ??= new SignallingError(e.reason || 'SFU.DISCONNECTED', `signalling closed (${e.code})`);
      for (const p of this.pending.values()) p.reject(this.ended);
      this.pending.clear();
      this.closedWith = { code: e.code, reason: e.reason };
      this.emit('close', this.closedWith);
    });
  }

  /**
   * Connects, or fails with SFU.DISCONNECTED (which callers retry with a new ticket) when the
   * socket closes first or does not open in time: a connection the page's CSP refuses, or one to
   * an unreachable host, may neither open nor close for a long while.
   */
  static open(url: string): Promise<Signalling> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => {
        reject(new SignallingError('SFU.DISCONNECTED', `no connection to ${new URL(url).host} within ${OPEN_TIMEOUT_MS} ms`));
        socket.close();
      }, OPEN_TIMEOUT_MS);
      socket.addEventListener('open', () => (clearTimeout(timer), resolve(new Signalling(socket))), { once: true });
      socket.addEventListener('close', (e) => (clearTimeout(timer), reject(new SignallingError('SFU.DISCONNECTED', e.reason || `closed (${e.code})`))), { once: true });
    });
  }

  request<T = any>(method: string, data: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params: data }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject }));
  }

  /** Also hears, at once and in order, the notifications of that name that came before anyone listened. */
  on(notification: string, listener: (data: any) => void): void {
    this.listeners.set(notification, [...(this.listeners.get(notification) ?? []), listener]);
    if (notification === 'close' && this.closedWith) {
      listener(this.closedWith);
      return;
    }
    const unheard = this.unheard.get(notification);
    this.unheard.delete(notification);
    for (const data of unheard ?? []) listener(data);
  }

  /** The first `notification` (already received, or the next one); rejects if the connection ends first. */
  next<T = any>(notification: string): Promise<T> {
    const unheard = this.unheard.get(notification);
    if (unheard?.length) {
      const data = unheard.shift() as T;
      if (unheard.length === 0) this.unheard.delete(notification);
      return Promise.resolve(data);
    }
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const once = (data: T) => {
        this.listeners.set(notification, (this.listeners.get(notification) ?? []).filter((l) => l !== once));
        resolve(data);
      };
      this.on(notification, once);
      this.on('close', () => reject(this.ended));
    });
  }

  close(): void {
    this.socket.close(1000, 'leaving');
  }

  private emit(name: string, data: unknown) {
    const listeners = this.listeners.get(name) ?? [];
    if (listeners.length === 0 && name !== 'close') {
      const unheard = this.unheard.get(name) ?? [];
      unheard.push(data);
      // One nobody will listen for (a page that ignores it) must not grow without bound.
      if (unheard.length > MAX_UNHEARD) unheard.shift();
      this.unheard.set(name, unheard);
    }
    for (const l of listeners) l(data);
  }

  private onMessage(raw: string) {
    const frame = JSON.parse(raw);
    if (typeof frame.id === 'number' && this.pending.has(frame.id)) {
      const p = this.pending.get(frame.id)!;
      this.pending.delete(frame.id);
      if (frame.ok === false || frame.error) p.reject(new SignallingError(frame.error?.code ?? 'SFU.ERROR', frame.error?.message ?? 'error', frame.error?.details));
      else p.resolve(frame.result);
    } else if (frame.notification) {
      this.emit(frame.notification, frame.data);
    } else if (frame.ok === false && frame.id === null) {
      // The SFU refused the connection (ticket, room full, relay unavailable); it closes next.
      this.ended = new SignallingError(frame.error?.code ?? 'SFU.ERROR', frame.error?.message ?? 'refused', frame.error?.details);
    }
  }
}
