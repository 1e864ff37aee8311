import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { onNotification, refreshUnreadCount, unreadCount } from './live-notifications';
import { notificationWords } from './notification-words';
import { fetchInbox, markAllRead, markRead, type InboxItem } from './notifications.api';

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The inbox, newest first, a page at a time; what arrives live goes on top. */
export function InboxList() {
  const [items, setItems] = useState<InboxItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<string>();

  const load = async (after: string | null) => {
    setLoading(true);
    setFailure(undefined);
    try {
      const page = await fetchInbox(after);
      // A live item may already be on top: each id once.
      setItems((shown) => [...shown, ...page.items.filter((item) => !shown.some((s) => s.id === item.id))]);
      setCursor(page.nextCursor);
    } catch (err) {
      setFailure(describeError(err));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(null);
    // A digest that grows comes again with its id: it moves to the top.
    return onNotification((item) => setItems((shown) => [item, ...shown.filter((s) => s.id !== item.id)]));
  }, []);

  const open = async (item: InboxItem) => {
    if (item.read) return;
    setItems((shown) => shown.map((s) => (s.id === item.id ? { ...s, read: true } : s)));
    if (unreadCount.value) unreadCount.value -= 1;
    try {
      await markRead(item.id);
    } finally {
      void refreshUnreadCount();
    }
  };
  const readAll = async () => {
    setFailure(undefined);
    try {
      await markAllRead();
      setItems((shown) => shown.map((s) => ({ ...s, read: true })));
      unreadCount.value = 0;
    } catch (err) {
      setFailure(describeError(err));
    }
  };

  const anyUnread = items.some((i) => !i.read) || (unreadCount.value ?? 0) > 0;
  return (
    <section class="inbox" aria-labelledby="inbox-heading">
      <div class="inbox-head">
        <h2 id="inbox-heading">Inbox</h2>
        <button id="mark-all-read" type="button" disabled={!anyUnread} onClick={readAll}>
          Mark all read
        </button>
      </div>
      {items.length === 0 && !loading && !failure && <p class="hint">Nothing yet. Follow people to hear when they go live.</p>}
      <ul id="inbox-items" class="inbox-items">
        {items.map((item) => (
          <InboxRow key={item.id} item={item} onOpen={() => void open(item)} />
        ))}
      </ul>
      <p class="error" role="alert">
        {failure}
      </p>
      {loading && <p role="status">Loading…</p>}
      {cursor && !loading && (
        <button id="inbox-more" type="button" onClick={() => load(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}

/**
 * One notification; opening its link, or clicking it anywhere, marks it read. The "Mark read"
 * button has no handler of its own: its click bubbles to the row's, so one request, not two.
 */
function InboxRow({ item, onOpen }: { item: InboxItem; onOpen: () => void }) {
  const words = notificationWords(item);
  return (
    <li class={`inbox-item${item.read ? '' : ' unread'}`} data-notification-id={item.id} onClick={onOpen}>
      <p class="inbox-text">
        {!item.read && <span class="visually-hidden">Unread: </span>}
        {words.text}
      </p>
      <time class="hint" dateTime={item.at}>
        {WHEN.format(new Date(item.at))}
      </time>
      <div class="inbox-actions">
        {words.link && <a href={words.link.href}>{words.link.label}</a>}
        {!item.read && (
          <button type="button" class="mark-read">
            Mark read
          </button>
        )}
      </div>
    </li>
  );
}
