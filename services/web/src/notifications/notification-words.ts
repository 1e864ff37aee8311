// What a notification says, in the toast and in the inbox alike (the service worker says the
// same from the push payload the server writes).
import type { InboxItem } from './notifications.api';

export interface NotificationWords {
  text: string;
  /** Where the notification leads, if anywhere, and the link's words. */
  link?: { href: string; label: string };
}

export function notificationWords(item: InboxItem): NotificationWords {
  const who = item.actor?.handle ? `@${item.actor.handle}` : 'Someone';
  const title = item.title?.trim();
  const watch = item.broadcastId ? `/watch/${item.broadcastId}` : undefined;
  switch (item.kind) {
    case 'went_live':
      return { text: title ? `${who} is live: ${title}` : `${who} is live`, link: watch ? { href: watch, label: 'Watch' } : undefined };
    case 'went_live_digest':
      // Past the hourly cap, one digest counts the go-lives that were not notified one by one.
      return { text: `${item.count} more ${item.count === 1 ? 'broadcast' : 'broadcasts'} from people you follow went live`, link: { href: '/', label: 'See who is live' } };
    case 'followed':
      return { text: `${who} followed you` };
    case 'replay_ready':
      return { text: title ? `Your replay is ready: ${title}` : 'Your replay is ready', link: watch ? { href: watch, label: 'Watch the replay' } : undefined };
    case 'replay_expiring':
      return { text: title ? `Your replay expires in an hour: ${title}` : 'Your replay expires in an hour', link: watch ? { href: watch, label: 'Watch the replay' } : undefined };
    default:
      return { text: title || 'Something new on OnAir' };
  }
}
