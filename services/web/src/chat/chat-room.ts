// A broadcast's chat (services/chat/PROTOCOL.md): messages, hearts and presence, for the
// broadcaster and viewers alike. Text from the room is only ever rendered as text.
import { signal } from '@preact/signals';
import { ApiError } from '../api/api-client';
import { describeError, wordsFor } from '../api/error-words';
import { apiAsSignedIn } from '../session/session';
import { pause } from '../app/timing';
import { requestTicket, socketUrl } from '../sfu/media-ticket';

export interface ChatLine {
  key: number;
  /** A person's message has its id and author (to report, mute or block); notices have none. */
  messageId?: string;
  authorId?: string;
  handle: string;
  text: string;
  /** A line from the room itself (moderation, verdicts), not a person's message. */
  notice?: boolean;
}

/** A flash jury's question to this viewer (the `jury` frame). */
export interface JuryPrompt {
  juryId: string;
  text: string;
  authorHandle: string;
  deadline: number;
}

type RoomMessage = { messageId?: string; authorId?: string; handle: string; text: string };

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
  /** Juries this page started by reporting (their ids, from the acks). */
  reports: () => onPage.room?.reports ?? [],
  jury: () => onPage.room?.jury.value?.juryId ?? null,
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
  readonly commentsFull = signal(false);
  /** Whether this account is the broadcaster: it moderates (mute, block, juries). */
  readonly owner = signal(false);
  readonly accountId = signal('');
  readonly juries = signal(true);
  readonly followersOnly = signal(false);
  /** Who is muted now (from `moderation` frames): the broadcaster can unmute them. */
  readonly muted = signal<ReadonlySet<string>>(new Set());
  /** The jury this viewer is called to, until it votes or the deadline passes. */
  readonly jury = signal<JuryPrompt | undefined>(undefined);
  /** Hearts to float on screen: each has its own key (the CSS animates and the page drops it). */
  readonly floating = signal<number[]>([]);
  readonly reports: string[] = [];
  /** Own taps shown already, which the room's next bursts will count again (not floated twice). */
  private ownTapsShown = 0;
  private nextRequest = 1;
  private readonly pending = new Map<number, 'report' | 'vote' | 'moderation'>();
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
    this.ownTapsShown++;
    this.float(1);
  }

  /** Asks for a flash jury on someone's message. */
  report(messageId: string): void {
    this.request('report', { type: 'report', messageId });
  }

  vote(guilty: boolean): void {
    const jury = this.jury.value;
    if (!jury) return;
    this.jury.value = undefined;
    this.request('vote', { type: 'vote', juryId: jury.juryId, guilty });
  }

  /** The broadcaster's moderation: mute (for the rest of the broadcast) or unmute, the room's settings. */
  mute(accountId: string, mute = true): void {
    this.request('moderation', { type: mute ? 'mute' : 'unmute', accountId });
  }

  settings(changes: { juries?: boolean; followersOnly?: boolean }): void {
    this.request('moderation', { type: 'settings', ...changes });
  }

  /** Blocking is social-graph's: the blocked viewer's sockets close within seconds (PROTOCOL.md). */
  async block(accountId: string, handle: string): Promise<void> {
    try {
      await apiAsSignedIn('PUT', `/v1/graph/blocks/${encodeURIComponent(accountId)}`);
      this.add([{ handle: '·', text: `you blocked ${handle}` }], true);
    } catch (err) {
      this.notice.value = describeError(err);
    }
  }

  private request(kind: 'report' | 'vote' | 'moderation', frame: Record<string, unknown>): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const id = this.nextRequest++;
    this.pending.set(id, kind);
    this.socket.send(JSON.stringify({ ...frame, id }));
  }

  private acked(f: ChatFrame): void {
    const kind = this.pending.get(f.id as number);
    this.pending.delete(f.id as number);
    if (kind === 'report') {
      this.reports.push(String(f.juryId));
      this.add([{ handle: '·', text: 'you reported a message: a flash jury of viewers decides' }], true);
    } else if (kind === 'vote') this.add([{ handle: '·', text: 'your vote is in' }], true);
  }

  /** Hearts on screen, at most a dozen at a time (a big burst would only hide the video). */
  private float(count: number): void {
    const added = Array.from({ length: Math.min(count, 12) }, () => this.nextKey++);
    this.floating.value = [...this.floating.value, ...added].slice(-24);
  }

  /** A floating heart finished its animation. */
  landed(key: number): void {
    this.floating.value = this.floating.value.filter((k) => k !== key);
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
        this.owner.value = Boolean(f.owner);
        this.accountId.value = String(f.accountId);
        return this.add(f.recent as RoomMessage[]);
      case 'messages':
        return this.add(f.items as RoomMessage[]);
      case 'hearts': {
        const taps = f.taps as number;
        this.hearts.value += taps;
        const echoed = Math.min(taps, this.ownTapsShown);
        this.ownTapsShown -= echoed;
        return this.float(taps - echoed);
      }
      case 'ack':
        return this.acked(f);
      case 'jury':
        this.jury.value = { juryId: String(f.juryId), text: String(f.text), authorHandle: String(f.authorHandle), deadline: Number(new Date(f.deadline as string)) };
        return;
      case 'presence':
        this.presence.value = { joined: f.joined as number, watching: f.watching as number };
        return;
      case 'state':
        this.writeState = f.canWrite ? 'can-write' : String(f.reason);
        this.canWrite.value = Boolean(f.canWrite);
        this.commentsFull.value = f.reason === 'COMMENTS_FULL';
        this.juries.value = f.juries !== false;
        this.followersOnly.value = f.followersOnly === true;
        this.notice.value = f.canWrite ? '' : wordsFor(CANNOT_WRITE[String(f.reason)] ?? '', 'You cannot write in this chat now.');
        return;
      case 'error': {
        const { code, message } = f.error as { code: string; message: string };
        this.pending.delete(f.id as number);
        this.notice.value = wordsFor(code, message);
        return;
      }
      case 'moderation': {
        const muted = new Set(this.muted.value);
        if (f.action === 'muted') muted.add(String(f.accountId));
        else muted.delete(String(f.accountId));
        this.muted.value = muted;
        return this.add([{ handle: '·', text: f.action === 'muted' ? 'a viewer was muted' : 'a viewer was unmuted' }], true);
      }
      case 'verdict':
        if (this.jury.value?.juryId === f.juryId) this.jury.value = undefined;
        return this.add([{ handle: '·', text: f.guilty ? 'a flash jury muted a viewer' : 'a flash jury acquitted a message' }], true);
    }
  }

  private add(messages: RoomMessage[], notice = false): void {
    const added = messages.map((m) => ({ key: this.nextKey++, messageId: m.messageId, authorId: m.authorId, handle: m.handle, text: m.text, notice }));
    this.lines.value = [...this.lines.value, ...added].slice(-KEPT_LINES);
  }
}
