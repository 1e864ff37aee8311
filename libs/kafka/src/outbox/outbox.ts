import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { EventDescriptor } from '@onair/contracts';
import { injectTraceContext } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { encodeEvent } from '../event-record.js';
import { prefixed, type KafkaOptions } from '../kafka-options.js';

export const outboxChannel = (schema: string) => `outbox_event_${schema}`;

/**
 * Writes events into `outbox_event` inside the caller's transaction: the event exists if and
 * only if the state change committed. The current trace context is stored with it so the
 * relay and the consumers continue the same trace.
 */
export class Outbox {
  constructor(
    private readonly kafka: KafkaOptions,
    private readonly schema: string,
  ) {}

  async add<D extends DescMessage>(
    manager: EntityManager,
    descriptor: EventDescriptor<D>,
    message: MessageShape<D>,
  ): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.add must run inside the transaction of the state change');
    }
    const id = randomUUID();
    const record = encodeEvent(descriptor, message, { id, source: this.kafka.clientId, time: new Date() });
    await manager.query(
      `INSERT INTO outbox_event (event_id, topic, event_key, event_type, payload, headers)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, prefixed(this.kafka, descriptor.topic), record.key, descriptor.name, record.value, { ...record.headers, ...injectTraceContext() }],
    );
    // Delivered at commit; wakes the relay without waiting for its next poll.
    await manager.query('SELECT pg_notify($1, $2)', [outboxChannel(this.schema), '']);
    return id;
  }
}
