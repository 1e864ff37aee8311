// The replay's parts, from two services: the broadcast and its HLS files (stream-sessions) and
// the chat as it happened (chat's replay API, read with a chat ticket stream-sessions issues).
import { apiAsSignedIn } from '../session/session';
import type { BroadcastState } from '../broadcasts/broadcasts.api';

/** The parts of stream-sessions' BroadcastView the replay pages read. */
export interface ReplayBroadcast {
  id: string;
  title: string;
  state: BroadcastState;
  startedAt: string | null;
  endedAt: string | null;
  replayExpiresAt: string | null;
}

/** A line of the replay's chat: a message, or a burst of hearts, at its offset from the go-live. */
export interface ReplayChatItem {
  kind: 'message' | 'hearts';
  id: string;
  offsetMs: number;
  handle: string | null;
  text: string | null;
  taps: number | null;
}

/** The playlist; hls.js asks for the segments it lists relative to it. */
export const replayPlaylistUrl = (broadcastId: string) => `/v1/broadcasts/${encodeURIComponent(broadcastId)}/replay/index.m3u8`;

export function getReplayBroadcast(broadcastId: string): Promise<ReplayBroadcast> {
  return apiAsSignedIn('GET', `/v1/broadcasts/${encodeURIComponent(broadcastId)}`);
}

/** GET /v1/broadcasts/mine pages through everything one has broadcast; replays are the replay_ready ones. */
const MINE_PAGES = 5;

/** The caller's replays still watchable, newest first (at most 5 pages of 100 broadcasts looked at). */
export async function myReplays(): Promise<ReplayBroadcast[]> {
  const found: ReplayBroadcast[] = [];
  let cursor: string | null | undefined;
  for (let page = 0; page < MINE_PAGES; page++) {
    const q = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const answer = await apiAsSignedIn<{ items: ReplayBroadcast[]; nextCursor?: string | null }>('GET', `/v1/broadcasts/mine?${q}`);
    found.push(...answer.items.filter((b) => b.state === 'replay_ready'));
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return found;
}

/** The chat API takes at most an hour of offsets per request. */
const WINDOW_MS = 3_600_000;

/**
 * Every chat item of the replay, in the room's order: an hour of offsets at a time, each window
 * page by page. `lastMs` is how far the broadcast went (its duration, with a margin).
 */
export async function replayChat(broadcastId: string, lastMs: number): Promise<ReplayChatItem[]> {
  const { ticket } = await apiAsSignedIn<{ ticket: string }>('POST', `/v1/broadcasts/${encodeURIComponent(broadcastId)}/tickets`, { role: 'chat' });
  const items: ReplayChatItem[] = [];
  for (let fromMs = 0; fromMs <= lastMs && fromMs <= 86_400_000; fromMs += WINDOW_MS) {
    let cursor: string | null = null;
    do {
      const q = new URLSearchParams({ ticket, fromMs: String(fromMs), toMs: String(fromMs + WINDOW_MS), limit: '1000', ...(cursor ? { cursor } : {}) });
      const page: { items: ReplayChatItem[]; nextCursor: string | null } = await apiAsSignedIn('GET', `/v1/chat/broadcasts/${encodeURIComponent(broadcastId)}/replay?${q}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return items;
}
