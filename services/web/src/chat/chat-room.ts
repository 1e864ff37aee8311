// A broadcast's chat (services/chat/PROTOCOL.md): messages, hearts and presence, for the
// broadcaster and viewers alike. Text from the room is only ever rendered as text.
import { signal } from '@preact/signals';
import { ApiError } from '../api/api-client';
import { wordsFor } from '../api/error-words';
import { pause } from '../app/timing';
import { requestTicket, socketUrl } from '../sfu/media-ticket';

export interface ChatLine {
  key: number;
  handle: string;
  text: string;
  /** A line from the room itself (moderation, verdicts), not a person's message. */
  notice?: boolean;
}

interface ChatFrame {
  type: string;
  [key: string]: unknown;
}

/** Closes after which a new ticket may get back in (the pod stopped, the network dropped). */
const RECONNECT_AFTER = new Set(['CHAT.SHUTTING_DOWN', '']);
const RECONNECT_ATTEMPTS = 30;
const HEART_FLUSH_MS = 250;
/** The protocol's most taps per `hearts` frame. */
const MAX_TAPS_PER_FRAME = 50;
const KEPT_LINES = 200;
const CANNOT_WRITE: Record<string, string> = { MUTED: 'CHAT.MUTED', FOLLOWERS_ONLY: 'CHAT.FOLLOWERS_ONLY', COMMENTS_FULL: 'CHAT.COMMENTS_FULL' };

/** What the end-to-end test reads of the chat on the page: the room opened last. */
const onPage: { room?: ChatRoom } = {};
(window as unknown as { onairChat: unknown }).onairChat = {
  messages: () => onPage.room?.lines.value.filter((l) => !l.notice).map((l) => l.text) ?? [],
  hearts: () => onPage.room?.hearts.value ?? 0,
  state: () => onPage.room?.writeState ?? '',
  joined: () => onPage.room?.presence.value.joined ?? 0,
};

export class ChatRoom {
  readonly lines = signal<ChatLine[]>([]);
  /** The room's hearts as its bursts report them (one's own taps included once counted). */
  readonly hearts = signal(0);
  readonly presence = signal({ joined: 0, watching: 0 });
  readonly canWrite = signal(false);
  /** Why one cannot write, or what went wrong with the chat; empty when all is well. */
  readonly notice = signal('');
  /** `can-write` or the reason one cannot (MUTED…), as the protocol says it. */
  writeState = '';
  private socket?: WebSocket;
  private taps = 0;
  private watching = false;
  private nextKey = 1;
  private left = false;
  private readonly flushTimer: ReturnType<typeof setInterval>;

  constructor(private readonly broadcastId: string) {
    onPage.room = this;
    // Taps leave in one frame per 250 ms (the protocol's rule), never one per tap.
    this.flushTimer = setInterval(() => this.flushHearts(), HEART_FLUSH_MS);
  }

  /**
   * Joins and stays: a chat ticket (waiting while the broadcast is not live yet), the socket
   * through the edge, a new ticket after a reconnectable close. Resolves when the chat is over.
   */
  async open(): Promise<void> {
    try {
      for (let attempt = 0; attempt < RECONNECT_ATTEMPTS && !this.left; attempt++) {
        const ticket = await this.ticket();
        if (this.left) return;
        const reason = await this.run(new WebSocket(socketUrl('/v1/chat/socket', { ticket, broadcastId: this.broadcastId })));
        this.canWrite.value = false;
        if (this.left) return;
        if (!RECONNECT_AFTER.has(reason)) return void (this.notice.value = wordsFor(reason, `The chat closed (${reason}).`));
        this.notice.value = 'Reconnecting to the chat…';
        await pause(1000);
      }
    } catch (err) {
      if (!this.left) this.notice.value = err instanceof ApiError ? wordsFor(err.code, err.serverMessage) : String(err);
    }
  }

  leave(): void {
    this.left = true;
    clearInterval(this.flushTimer);
    this.socket?.close(1000, 'leaving');
    if (onPage.room === this) onPage.room = undefined;
  }

  /** Sends a message; false when it could not leave (not joined, or empty). */
  send(text: string): boolean {
    const trimmed = text.trim();
    if (!trimmed || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify({ type: 'message', id: Date.now(), text: trimmed }));
    return true;
  }

  tapHeart(): void {
    this.taps++;
  }

  /** Whether this viewer's player is playing: the room counts it ("n watching"). */
  setWatching(watching: boolean): void {
    if (watching === this.watching) return;
    this.watching = watching;
    this.sendPresence();
  }

  private sendPresence(): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'presence', watching: this.watching }));
  }

  private flushHearts(): void {
    if (this.taps === 0 || this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ type: 'hearts', count: Math.min(this.taps, MAX_TAPS_PER_FRAME) }));
    this.taps = Math.max(0, this.taps - MAX_TAPS_PER_FRAME);
  }

  /** A chat ticket; while the broadcast is not live yet, waits for it. */
  private async ticket(): Promise<string> {
    for (;;) {
      try {
        return (await requestTicket(this.broadcastId, 'chat')).ticket;
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 'STREAM_SESSIONS.BROADCAST_NOT_LIVE' || err.details.state !== 'created' || this.left) throw err;
        await pause(1000);
      }
    }
  }

  /** One socket's life; resolves with its close reason. */
  private run(socket: WebSocket): Promise<string> {
    this.socket = socket;
    socket.addEventListener('message', (e) => this.handle(JSON.parse(String(e.data)) as ChatFrame));
    return new Promise((resolve) => socket.addEventListener('close', (e) => resolve(e.reason)));
  }

  private handle(f: ChatFrame): void {
    switch (f.type) {
      case 'joined':
        // A new socket (after a reconnect too) starts as not watching.
        if (this.watching) this.sendPresence();
        this.lines.value = [];
        return this.add(f.recent as Array<{ handle: string; text: string }>);
      case 'messages':
        return this.add(f.items as Array<{ handle: string; text: string }>);
      case 'hearts':
        this.hearts.value += f.taps as number;
        return;
      case 'presence':
        this.presence.value = { joined: f.joined as number, watching: f.watching as number };
        return;
      case 'state':
        this.writeState = f.canWrite ? 'can-write' : String(f.reason);
        this.canWrite.value = Boolean(f.canWrite);
        this.notice.value = f.canWrite ? '' : wordsFor(CANNOT_WRITE[String(f.reason)] ?? '', 'You cannot write in this chat now.');
        return;
      case 'error': {
        const { code, message } = f.error as { code: string; message: string };
        this.notice.value = wordsFor(code, message);
        return;
      }
      case 'moderation':
        return this.add([{ handle: '·', text: f.action === 'muted' ? 'a viewer was muted' : 'a viewer was unmuted' }], true);
      case 'verdict':
        return this.add([{ handle: '·', text: f.guilty ? 'a flash jury muted a viewer' : 'a flash jury acquitted a message' }], true);
    }
  }

  private add(messages: Array<{ handle: string; text: string }>, notice = false): void {
    const added = messages.map((m) => ({ key: this.nextKey++, handle: m.handle, text: m.text, notice }));
    this.lines.value = [...this.lines.value, ...added].slice(-KEPT_LINES);
  }
}
