// Web Push in this browser: permission, the service worker (public/push-worker.js, served by the
// edge at /push-worker.js) and the push service's subscription, stored by notifications so it
// can push while no OnAir tab is open.
import { deletePushSubscription, fetchPushKey, listPushSubscriptions, savePushSubscription } from './notifications.api';

const WORKER_URL = '/push-worker.js';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return (await currentSubscription()) ? 'on' : 'off';
}

/** The VAPID key as PushManager wants it: the bytes of the base64url text. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const text = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Asks for permission, subscribes and tells notifications; the state it ends in. */
export async function turnPushOn(): Promise<PushState> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const registration = await navigator.serviceWorker.register(WORKER_URL, { scope: '/' });
  await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(await fetchPushKey()) }));
  try {
    await savePushSubscription(subscription.toJSON());
  } catch (err) {
    // Not stored (e.g. a push service notifications does not allow-list): no subscription left
    // behind that would look "on" here and never receive anything.
    await subscription.unsubscribe().catch(() => undefined);
    throw err;
  }
  return 'on';
}

/** Forgets the subscription at notifications (found by its endpoint) and in the browser. */
export async function turnPushOff(): Promise<PushState> {
  const subscription = await currentSubscription();
  if (subscription) {
    const stored = (await listPushSubscriptions()).find((s) => s.endpoint === subscription.endpoint);
    if (stored) await deletePushSubscription(stored.id);
    await subscription.unsubscribe();
  }
  return 'off';
}
