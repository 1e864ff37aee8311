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
import { InstanceEventReader, type KafkaOptions } from '@onair/kafka';
import type { AdmissionChange } from './admission.js';
import type { Rooms } from './rooms.js';

/** social-graph's event → the admission change it is. */
function changeOf(descriptor: EventDescriptor, message: unknown): AdmissionChange | undefined {
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

/**
 * Admission holds for the whole broadcast: when the owner blocks a viewer (or the viewer the
 * owner), or the viewer stops following, or leaves (or loses) the circle of a private broadcast,
 * social-graph says so and every node drops that viewer from its rooms within moments. Each node
 * reads every change from the moment it starts (its own group, nothing kept in Kafka): earlier
 * changes concern viewers it never had, and tickets issued before them were checked then.
 */
export class AdmissionRevocationsConsumer {
  private readonly reader: InstanceEventReader;

  constructor(options: KafkaOptions, nodeId: string, rooms: Rooms) {
    this.reader = new InstanceEventReader({
      kafka: options,
      groupId: `sfu-worker.${nodeId}.admission`,
      ephemeral: true,
      events: [BlockCreatedEvent, FollowDeletedEvent, CircleMemberRemovedEvent, CircleDeletedEvent],
      from: 'latest',
      handle: ({ descriptor, message }) => {
        const change = changeOf(descriptor, message);
        if (change) rooms.revokeAdmission(change);
      },
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
