import {
  BlockCreatedEvent,
  CircleDeletedEvent,
  CircleMemberRemovedEvent,
  FollowDeletedEvent,
  type BlockCreated,
  type CircleDeleted,
  type CircleMemberRemoved,
  type EventDescriptor,
  type FollowDeleted,
} from '@onair/contracts';
import type { BroadcastAudience } from './media-ticket.js';

/** A change in social-graph that can take a viewer out of a broadcast's audience. */
export type AdmissionChange =
  | { kind: 'blocked'; blockerId: string; blockedId: string }
  | { kind: 'unfollowed'; followerId: string; followeeId: string }
  | { kind: 'left-circle'; circleId: string; memberId: string }
  | { kind: 'circle-deleted'; circleId: string };

/**
 * Whether `viewer`, admitted to a broadcast with this audience, is out of it after `change`:
 * the same rules as stream-sessions' admission (a block either way; followers and circle
 * broadcasts need the follow; a circle broadcast needs the membership and the circle). The
 * owner is never out of their own broadcast.
 */
export function losesAdmission(audience: BroadcastAudience, viewer: string, change: AdmissionChange): boolean {
  const owner = audience.ownerId;
  if (viewer === owner) return false;
  switch (change.kind) {
    case 'blocked':
      return (change.blockerId === owner && change.blockedId === viewer) || (change.blockerId === viewer && change.blockedId === owner);
    case 'unfollowed':
      return audience.visibility !== 'public' && change.followeeId === owner && change.followerId === viewer;
    case 'left-circle':
      return audience.visibility === 'circle' && audience.circleId === change.circleId && change.memberId === viewer;
    case 'circle-deleted':
      return audience.visibility === 'circle' && audience.circleId === change.circleId;
  }
}

/** Longest ticket lifetime stream-sessions issues (MEDIA_TICKET_TTL_SECONDS ≤ 600). */
const TICKET_LIFETIME_MS = 600_000;
const MAX_REMEMBERED = 100_000;

/**
 * Changes of the last ticket lifetime: a ticket issued before a change must not let its viewer
 * back in (each ticket admits once, but one may have asked for two before being blocked).
 */
export class RecentAdmissionChanges {
  private readonly changes: Array<{ change: AdmissionChange; at: number }> = [];

  remember(change: AdmissionChange, at = Date.now()): void {
    this.changes.push({ change, at });
    const horizon = Date.now() - TICKET_LIFETIME_MS;
    while (this.changes.length > 0 && (this.changes[0].at < horizon || this.changes.length > MAX_REMEMBERED)) this.changes.shift();
  }

  /** A change after `issuedAt` (less a second: `iat` has whole seconds) took `viewer` out of the audience. */
  revokedSince(audience: BroadcastAudience, viewer: string, issuedAt: Date): boolean {
    const since = issuedAt.getTime() - 1000;
    return this.changes.some(({ change, at }) => at >= since && losesAdmission(audience, viewer, change));
  }
}

/** social-graph's events that can take viewers out of an audience (what AdmissionChange mirrors). */
export const ADMISSION_CHANGE_EVENTS: EventDescriptor[] = [BlockCreatedEvent, FollowDeletedEvent, CircleMemberRemovedEvent, CircleDeletedEvent];

/** social-graph's event → the admission change it is (undefined for any other event). */
export function admissionChangeOf(descriptor: EventDescriptor, message: unknown): AdmissionChange | undefined {
  switch (descriptor) {
    case BlockCreatedEvent: {
      const e = message as BlockCreated;
      return { kind: 'blocked', blockerId: e.blockerId, blockedId: e.blockedId };
    }
    case FollowDeletedEvent: {
      const e = message as FollowDeleted;
      return { kind: 'unfollowed', followerId: e.followerId, followeeId: e.followeeId };
    }
    case CircleMemberRemovedEvent: {
      const e = message as CircleMemberRemoved;
      return { kind: 'left-circle', circleId: e.circleId, memberId: e.memberId };
    }
    case CircleDeletedEvent: {
      const e = message as CircleDeleted;
      return { kind: 'circle-deleted', circleId: e.circleId };
    }
  }
  return undefined;
}
