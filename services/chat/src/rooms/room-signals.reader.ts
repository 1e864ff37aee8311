import { BroadcastEndedEvent, type BroadcastEnded } from '@onair/contracts';
import { InstanceEventReader, type KafkaOptions } from '@onair/kafka';
import { ADMISSION_CHANGE_EVENTS, admissionChangeOf } from '@onair/media-tickets';
import type { LocalRooms } from '../delivery/local-rooms.js';

/**
 * What every pod must hear, whichever rooms it holds: a broadcast ending (its sockets close)
 * and social-graph's changes that take viewers out of an audience (a block, an unfollow, a
 * circle left: their sockets close within seconds). Read from the moment the pod starts, in a
 * group of its own: earlier events concern sockets it never had.
 */
export class RoomSignalsReader {
  private readonly reader: InstanceEventReader;

  constructor(options: KafkaOptions, podId: string, rooms: LocalRooms) {
    this.reader = new InstanceEventReader({
      kafka: options,
      groupId: `chat.${podId}.room-signals`,
      ephemeral: true,
      events: [BroadcastEndedEvent, ...ADMISSION_CHANGE_EVENTS],
      from: 'latest',
      handle: ({ descriptor, message }) => {
        if (descriptor === BroadcastEndedEvent) return rooms.end((message as BroadcastEnded).broadcastId);
        const change = admissionChangeOf(descriptor, message);
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
