// Toasts: the notifications that arrived while the page is open, each shown ~8 s (longer while
// the pointer or focus is on them, so a link can still be reached) or until dismissed.
import { signal } from '@preact/signals';
import { notificationWords, type NotificationWords } from './notification-words';
import type { InboxItem } from './notifications.api';

export interface Toast extends NotificationWords {
  id: string;
}

const SHOWN_MS = 8000;
/** More at once would cover the page on a phone; the inbox has them all. */
const MAX_TOASTS = 3;

export const toasts = signal<Toast[]>([]);
const timers = new Map<string, ReturnType<typeof setTimeout>>();
let held = false;

export function showToast(item: InboxItem): void {
  const toast = { id: item.id, ...notificationWords(item) };
  // A digest that grows arrives again with the same id: it replaces its toast.
  const others = toasts.value.filter((t) => t.id !== toast.id);
  const kept = [...others, toast].slice(-MAX_TOASTS);
  for (const t of toasts.value) if (!kept.includes(t)) clearTimeout(timers.get(t.id));
  toasts.value = kept;
  schedule(toast.id, SHOWN_MS);
}

export function dismissToast(id: string): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

export function clearToasts(): void {
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
  toasts.value = [];
}

/** While held (hovered or focused), toasts due to go stay a little longer. */
export function holdToasts(hold: boolean): void {
  held = hold;
}

function schedule(id: string, ms: number): void {
  clearTimeout(timers.get(id));
  timers.set(
    id,
    setTimeout(() => (held ? schedule(id, 2000) : dismissToast(id)), ms),
  );
}
