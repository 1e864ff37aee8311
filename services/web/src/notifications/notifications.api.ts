// notifications' API (README, "Notifications"), as the signed-in person. The inbox item here is
// also what the live stream's `notification` events carry.
import { apiAsSignedIn } from '../session/session';

export type NotificationKind = 'went_live' | 'went_live_digest' | 'followed' | 'replay_ready' | 'replay_expiring';

export interface InboxItem {
  id: string;
  kind: NotificationKind | string;
  actor: { id: string; handle: string | null } | null;
  broadcastId: string | null;
  title: string | null;
  /** went_live_digest: how many go-lives it stands for. */
  count: number;
  at: string;
  read: boolean;
}

export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
}

export interface Preferences {
  goLive: boolean;
  followers: boolean;
  replays: boolean;
}

const BASE = '/v1/notifications';

export const fetchInbox = (cursor?: string | null, limit = 20) =>
  apiAsSignedIn<InboxPage>('GET', `${BASE}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
export const fetchUnreadCount = async () => (await apiAsSignedIn<{ unread: number }>('GET', `${BASE}/unread-count`)).unread;
export const markRead = (id: string) => apiAsSignedIn<InboxItem>('POST', `${BASE}/${encodeURIComponent(id)}/read`);
export const markAllRead = () => apiAsSignedIn<{ marked: number }>('POST', `${BASE}/read-all`);
export const fetchPreferences = () => apiAsSignedIn<Preferences>('GET', `${BASE}/preferences`);
export const updatePreferences = (change: Partial<Preferences>) => apiAsSignedIn<Preferences>('PATCH', `${BASE}/preferences`, change);
export const streamTicket = async () => (await apiAsSignedIn<{ ticket: string }>('POST', `${BASE}/stream-tickets`)).ticket;

export const fetchPushKey = async () => (await apiAsSignedIn<{ publicKey: string }>('GET', `${BASE}/push/key`)).publicKey;
export const savePushSubscription = (subscription: PushSubscriptionJSON) => apiAsSignedIn<{ id: string }>('POST', `${BASE}/push/subscriptions`, subscription);
export const listPushSubscriptions = async () =>
  (await apiAsSignedIn<{ items: Array<{ id: string; endpoint: string }> }>('GET', `${BASE}/push/subscriptions`)).items;
export const deletePushSubscription = (id: string) => apiAsSignedIn<void>('DELETE', `${BASE}/push/subscriptions/${encodeURIComponent(id)}`);
