import { Injectable } from '@nestjs/common';
import { SocialGraphClient } from '@onair/social-graph-client';
import type { AccountId, BroadcastRow } from '../broadcasts/broadcast-record.js';
import { NotAdmittedError } from './admission.errors.js';

/**
 * Who may watch a broadcast, live or as a replay: the owner always; anyone else only without a
 * block between the two (either direction) and within the visibility: public → anyone,
 * followers → followers of the owner, circle → members of that circle. (An operator's viewer
 * ticket skips it: see TicketsService.issue.)
 */
@Injectable()
export class AudiencePolicy {
  constructor(private readonly graph: SocialGraphClient) {}

  async assertMayWatch(b: Pick<BroadcastRow, 'owner_id' | 'visibility' | 'circle_id'>, viewer: AccountId): Promise<void> {
    if (viewer === b.owner_id) return;
    const [blocked, audience] = await Promise.all([this.graph.isBlocked(b.owner_id, viewer), this.inAudience(b, viewer)]);
    if (blocked || !audience) throw new NotAdmittedError();
  }

  private async inAudience(b: Pick<BroadcastRow, 'owner_id' | 'visibility' | 'circle_id'>, viewer: AccountId) {
    switch (b.visibility) {
      case 'public':
        return true;
      case 'followers':
        return this.graph.isFollowing(viewer, b.owner_id);
      case 'circle':
        return (await this.graph.circleMembership(b.circle_id!, viewer))?.member === true;
    }
  }
}

