import { session } from '../session/session';
import { unreadCount } from './live-notifications';
import './notifications.css';

/** The header's link to the inbox, with the unread count in its name and as a badge. */
export function NotificationBell() {
  if (!session.value) return null;
  const unread = unreadCount.value ?? 0;
  return (
    <a id="notification-bell" class={`bell${unread ? ' has-unread' : ''}`} href="/notifications" aria-label={`Notifications, ${unread} unread`}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
        <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      {unread > 0 && (
        <span class="bell-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </a>
  );
}
