import type { ReplayChatItem } from './replays.api';

/**
 * The items whose offset the playhead has passed. The items are in offset order, so this is a
 * prefix: seeking back shortens it, seeking forward lengthens it, in one binary search.
 */
export function itemsUpTo(items: ReplayChatItem[], playheadMs: number): ReplayChatItem[] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].offsetMs <= playheadMs) lo = mid + 1;
    else hi = mid;
  }
  return items.slice(0, lo);
}

/** How far the chat can go: the broadcast's duration, with a minute's margin for the clocks. */
export function chatSpanMs(startedAt: string | null, endedAt: string | null): number {
  if (!startedAt || !endedAt) return 86_400_000;
  return new Date(endedAt).getTime() - new Date(startedAt).getTime() + 60_000;
}
