import { CircleNotFoundError, type SocialGraphClient } from '@onair/social-graph-client';
import type { AudienceSource } from './fanout-runner.js';

/** The audience from social-graph's gRPC API: followers, or a circle's members (if the circle is the broadcaster's). */
export function socialGraphAudience(client: SocialGraphClient): AudienceSource {
  return {
    followers: (ownerId, options) => client.followers(ownerId, options),
    async *circleMembers(circleId, ownerId, options) {
      try {
        for await (const page of client.circleMembers(circleId, options)) {
          // A circle that is not the broadcaster's is nobody's audience here.
          if (page.ownerId !== ownerId) return;
          yield page.memberIds;
        }
      } catch (err) {
        if (err instanceof CircleNotFoundError) return;
        throw err;
      }
    },
  };
}
