import { timestampDate } from '@bufbuild/protobuf/wkt';
import { NotificationsCreatedEvent, type NotificationsCreated } from '@onair/contracts';
import { InstanceEventReader, type KafkaOptions } from '@onair/kafka';
import type { LiveStreams } from './live-streams.js';

/**
 * Every pod reads every notifications.created.v1 batch (a chunk of up to a thousand recipients is
 * one event, so a go-live to a million followers is a thousand small reads per pod) and pushes to
 * the recipients connected to it. From the moment the pod starts: a stream opened later reads
 * its inbox for what came before.
 */
export class CreatedReader {
  private readonly reader: InstanceEventReader;

  constructor(kafka: KafkaOptions, podId: string, streams: LiveStreams) {
    this.reader = new InstanceEventReader({
      kafka,
      groupId: `notifications.${podId}.live-push`,
      ephemeral: true,
      events: [NotificationsCreatedEvent],
      from: 'latest',
      handle: ({ message }) => {
        const m = message as NotificationsCreated;
        const c = m.content;
        if (!c || streams.size === 0) return;
        const at = (m.createdAt ? timestampDate(m.createdAt) : new Date()).toISOString();
        for (const d of m.deliveries) {
          streams.send(d.recipientId, 'notification', {
            id: d.notificationId,
            kind: c.kind,
            actor: c.actorId ? { id: c.actorId, handle: c.actorHandle || null } : null,
            broadcastId: c.broadcastId || null,
            title: c.title || null,
            count: c.count,
            at,
            read: false,
          });
        }
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
