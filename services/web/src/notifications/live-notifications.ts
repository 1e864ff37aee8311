// The signed-in person's live notifications: one stream per tab while signed in. An EventSource
// cannot send an Authorization header, so each (re)connect trades the access token for a
// single-use ticket first; the browser's own reconnect would reuse a spent ticket, so every
// error closes the EventSource and this reconnects with a new ticket after a backoff.
import { computed, effect, signal } from '@preact/signals';
import { session } from '../session/session';
import { fetchUnreadCount, streamTicket, type InboxItem } from './notifications.api';
import { showToast, clearToasts } from './toasts';

/** Unread notifications of the signed-in person (the header's bell); undefined until known. */
export const unreadCount = signal<number | undefined>(undefined);

/** Whether the stream is open now (the tests and the inbox page read it). */
export const streamOpen = signal(false);

type Listener = (item: InboxItem) => void;
const listeners = new Set<Listener>();

/** Calls `listener` with each notification as it arrives; returns the unsubscribe. */
export function onNotification(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** Backoff before reconnect attempt n (1 s, 2 s, 4 s … 30 s), ±20 % so tabs do not reconnect in step. */
function backoffMs(attempt: number): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The stream of one signed-in account, from open to close. */
class LiveStream {
  private source?: EventSource;
  private retry?: ReturnType<typeof setTimeout>;
  private attempt = 0;
  private stopped = false;

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.source?.close();
    streamOpen.value = false;
  }

  private async connect(): Promise<void> {
    let ticket: string;
    try {
      ticket = await streamTicket();
    } catch {
      // Too many tickets, the service down, or signed out (then the session effect stops this).
      return this.reconnectLater();
    }
    if (this.stopped) return;
    const source = new EventSource(`/v1/notifications/stream?ticket=${encodeURIComponent(ticket)}`);
    this.source = source;
    source.addEventListener('open', () => {
      this.attempt = 0;
      streamOpen.value = true;
      // Whatever arrived while no stream was open is in the inbox: the bell catches up.
      void refreshUnreadCount();
    });
    source.addEventListener('notification', (e) => this.deliver((e as MessageEvent<string>).data));
    source.addEventListener('closed', (e) => {
      source.close();
      streamOpen.value = false;
      const code = parse<{ code?: string }>((e as MessageEvent<string>).data)?.code;
      // Signed out (here or elsewhere): no new ticket would be given. Anything else (a pod
      // shutting down) is worth another stream, to another pod.
      if (code !== 'AUTH.TOKEN_REVOKED') this.reconnectLater();
    });
    source.addEventListener('error', () => {
      if (this.source !== source || this.stopped) return;
      source.close();
      streamOpen.value = false;
      this.reconnectLater();
    });
  }

  private deliver(data: string): void {
    const item = parse<InboxItem>(data);
    if (!item?.id) return;
    showToast(item);
    for (const listener of listeners) listener(item);
    // A digest that grows updates one row, so counting here would be wrong: the server counts.
    void refreshUnreadCount();
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect();
    }, backoffMs(this.attempt++));
  }
}

function parse<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
}

export async function refreshUnreadCount(): Promise<void> {
  try {
    unreadCount.value = await fetchUnreadCount();
  } catch {
    // The bell keeps its last count; the next notification or reconnect tries again.
  }
}

/**
 * Opens the stream when someone signs in and closes it on sign-out. Keyed by the account, not
 * the session object: a token refresh (a new session object) keeps the stream.
 */
export function startLiveNotifications(): () => void {
  const accountId = computed(() => session.value?.accountId);
  let stream: LiveStream | undefined;
  // On <body>, as the pages' own states are: what end-to-end tests wait for.
  const mark = effect(() => void (document.body.dataset.notifications = streamOpen.value ? 'open' : 'closed'));
  const follow = effect(() => {
    const signedIn = accountId.value;
    stream?.stop();
    stream = undefined;
    unreadCount.value = undefined;
    clearToasts();
    if (!signedIn) return;
    stream = new LiveStream();
    stream.start();
  });
  return () => {
    follow();
    mark();
    stream?.stop();
  };
}
