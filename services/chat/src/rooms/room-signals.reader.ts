import { BroadcastEndedEvent, type BroadcastEnded } from '@onair/contracts';
import { InstanceEventReader, type KafkaOptions } from '@onair/kafka';
import { ADMISSION_CHANGE_EVENTS, admissionChangeOf } from '@onair/media-tickets';
import type { LocalRooms } from '../delivery/local-rooms.js';
import { errorFrame } from '../socket/chat-protocol.js';
import { SUSPENDED_CLOSE_CODE, SUSPENSION_EVENTS, type SuspendedAccounts } from '../suspensions/suspended-accounts.js';

/**
 * What every pod must hear, whichever rooms it holds: a broadcast ending (its sockets close)
 * social-graph's changes that take viewers out of an audience (a block, an unfollow, a circle
 * left: their sockets close within seconds), and operators' account suspensions (the account's
 * sockets close; the pod refuses its frames and joins while the suspension lasts). Read from the
 * moment the pod starts, in a group of its own: earlier events concern sockets it never had, and
 * earlier suspensions are in PostgreSQL for the join check.
 */
export class RoomSignalsReader {
  private readonly reader: InstanceEventReader;

  constructor(options: KafkaOptions, podId: string, rooms: LocalRooms, suspensions: SuspendedAccounts) {
    this.reader = new InstanceEventReader({
      kafka: options,
      groupId: `chat.${podId}.room-signals`,
      ephemeral: true,
      events: [BroadcastEndedEvent, ...ADMISSION_CHANGE_EVENTS, ...SUSPENSION_EVENTS],
      from: 'latest',
      handle: ({ descriptor, message }) => {
        if (descriptor === BroadcastEndedEvent) return rooms.end((message as BroadcastEnded).broadcastId);
        if (SUSPENSION_EVENTS.includes(descriptor)) {
          const suspended = suspensions.apply(descriptor, message);
          if (!suspended) return;
          const { code, message: text, details } = suspended.error;
          return rooms.closeAccount(suspended.accountId, SUSPENDED_CLOSE_CODE, code, errorFrame({ code, message: text, details }));
        }
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
