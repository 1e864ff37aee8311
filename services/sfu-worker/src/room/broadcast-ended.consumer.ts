import { Logger } from '@nestjs/common';
import { BroadcastEndedEvent } from '@onair/contracts';
import { createKafka, decodeEvent, ensureTopics, Header, headersToStrings, prefixed, type KafkaOptions } from '@onair/kafka';
import { extractTraceContext, SpanKind, withSpan } from '@onair/telemetry';
import type { Consumer } from 'kafkajs';
import type { BroadcastId } from '../ids.js';
import type { Rooms } from './rooms.js';

/**
 * broadcast.ended.v1 (stream-sessions) closes the broadcast's room on this node.
 *
 * A plain kafkajs consumer rather than libs/kafka's KafkaEventServer: that server marks events
 * processed in PostgreSQL, and this service has no database (a schema only for
 * processed_event would add a dependency that live media must not wait on). The handler is
 * naturally idempotent instead: its effect is in memory, and ending an ended broadcast finds
 * nothing left to close. Every node must see every end (any node may host the room), so each
 * node has its own group; reading from the beginning on a node's first start also teaches it
 * which broadcasts are over, so a late ticket cannot reopen one.
 */
export class BroadcastEndedConsumer {
  private readonly log = new Logger('BroadcastEndedConsumer');
  private consumer?: Consumer;

  constructor(
    private readonly options: KafkaOptions,
    private readonly nodeId: string,
    private readonly rooms: Rooms,
  ) {}

  get groupId(): string {
    return prefixed(this.options, `sfu-worker.${this.nodeId}.broadcast-ended`);
  }

  async start(): Promise<void> {
    const kafka = createKafka(this.options);
    const topic = prefixed(this.options, BroadcastEndedEvent.topic);
    // Created here too, so the SFU does not depend on stream-sessions having booted first.
    await ensureTopics(kafka, this.options, [topic]);
    const consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = headersToStrings(message.headers);
        const value = message.value;
        if (headers[Header.type] !== BroadcastEndedEvent.name || !value) return;
        await withSpan(
          `${topic} process`,
          async () => {
            try {
              const event = decodeEvent(BroadcastEndedEvent, value);
              if (event.broadcastId) this.rooms.end(event.broadcastId as BroadcastId);
            } catch (err) {
              this.log.error(`undecodable ${BroadcastEndedEvent.name} ${headers[Header.id]} skipped: ${(err as Error).message}`);
            }
          },
          { parent: extractTraceContext(headers), kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka' } },
        );
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
