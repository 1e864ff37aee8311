import type { LocalRoom, RoomSocket } from '../delivery/local-room.js';

/** Why a socket may not write now; `state` frames and refused messages carry it. */
export type WriteRefusal = 'MUTED' | 'FOLLOWERS_ONLY' | 'COMMENTS_FULL';

/**
 * Who may write, as far as this pod knows without asking PostgreSQL: the broadcaster always;
 * nobody muted; in followers-only mode the broadcaster's followers; in a crowded room (more
 * joined viewers than `openCommenters`) the followers and the first `openCommenters` accounts
 * that wrote. A writer the pod has not seen yet in a room whose first-commenters list is not
 * full may still get in: MessagesService asks PostgreSQL then.
 */
export function writeRefusal(room: LocalRoom, socket: RoomSocket, joined: number, openCommenters: number): WriteRefusal | undefined {
  if (socket.owner) return undefined;
  const account = socket.ticket.accountId;
  if (room.isMuted(account)) return 'MUTED';
  const follower = socket.ticket.followsOwner;
  if (room.followersOnly && !follower) return 'FOLLOWERS_ONLY';
  const crowded = joined > openCommenters;
  if (crowded && !follower && !room.commenters.has(account) && room.commentersFull) return 'COMMENTS_FULL';
  return undefined;
}
