import { InstanceEventReader, type KafkaOptions } from '@onair/kafka';
import { ADMISSION_CHANGE_EVENTS, admissionChangeOf } from '@onair/media-tickets';
import type { Rooms } from './rooms.js';

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
      events: ADMISSION_CHANGE_EVENTS,
      from: 'latest',
      handle: ({ descriptor, message }) => {
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
