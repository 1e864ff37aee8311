import { BroadcastEndedEvent, BroadcastEndReason, type BroadcastEnded } from '@onair/contracts';
import { InstanceEventReader, type KafkaOptions } from '@onair/kafka';
import type { BroadcastId } from '../ids.js';
import type { BroadcastEndReason as EndReason } from './room.js';
import type { Rooms } from './rooms.js';

const END_REASON: Record<BroadcastEndReason, EndReason> = {
  [BroadcastEndReason.UNSPECIFIED]: 'unspecified',
  [BroadcastEndReason.OWNER]: 'owner',
  [BroadcastEndReason.PUBLISHER_GONE]: 'publisher_gone',
  [BroadcastEndReason.TAKEN_DOWN]: 'taken_down',
};

/**
 * broadcast.ended.v1 (stream-sessions) closes the broadcast's room on this node.
 *
 * An InstanceEventReader rather than libs/kafka's KafkaEventServer: that server marks events
 * processed in PostgreSQL, and this service has no database (a schema only for
 * processed_event would add a dependency that live media must not wait on). The handler is
 * naturally idempotent instead: its effect is in memory, and ending an ended broadcast finds
 * nothing left to close. Every node must see every end (any node may host the room), so each
 * node has its own group; reading from the beginning on a node's first start also teaches it
 * which broadcasts are over, so a late ticket cannot reopen one.
 */
export class BroadcastEndedConsumer {
  private readonly reader: InstanceEventReader;

  constructor(options: KafkaOptions, nodeId: string, rooms: Rooms) {
    this.reader = new InstanceEventReader({
      kafka: options,
      groupId: `sfu-worker.${nodeId}.broadcast-ended`,
      events: [BroadcastEndedEvent],
      from: 'earliest',
      handle: ({ message }) => {
        const { broadcastId, reason } = message as BroadcastEnded;
        if (broadcastId) rooms.end(broadcastId as BroadcastId, END_REASON[reason] ?? 'unspecified');
      },
    });
  }

  get groupId(): string {
    return this.reader.groupId;
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
