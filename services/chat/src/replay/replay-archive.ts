import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Logger } from '@nestjs/common';
import { ChatMessagePostedEvent, HeartsBurstEvent, type ChatMessagePosted, type HeartsBurst } from '@onair/contracts';
import { createKafka, decodeEvent, Header, headersToStrings, prefixed, type KafkaOptions } from '@onair/kafka';
import type { Consumer } from 'kafkajs';
import type { DataSource } from 'typeorm';

interface Row {
  broadcastId: string;
  itemId: string;
  kind: 'message' | 'hearts';
  offsetMs: string;
  kafkaOffset: string;
  authorId: string | null;
  handle: string | null;
  text: string | null;
  taps: number | null;
  at: Date;
}

/**
 * Keeps what the replay shows: every message and heart burst of the room topic, stored a batch at
 * a time (one INSERT per Kafka batch: chat rate is too high for a transaction per event). Storing
 * again what is already there changes nothing (the item id is the key), so a batch redelivered
 * after a crash is harmless. A group shared by the pods, each storing its share of partitions.
 */
export class ReplayArchive {
  private consumer?: Consumer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: KafkaOptions,
  ) {}

  async start(): Promise<void> {
    const kafka = createKafka(this.options);
    const consumer = kafka.consumer({ groupId: prefixed(this.options, 'chat.archive'), maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: prefixed(this.options, ChatMessagePostedEvent.topic), fromBeginning: true });
    await consumer.run({
      // Offsets are committed after the batch's INSERT: a crash before it stores the batch again.
      eachBatch: async ({ batch }) => {
        const rows = batch.messages.flatMap((m) => (m.value ? toRow(headersToStrings(m.headers), m.value, m.offset) : []));
        if (rows.length > 0) await this.store(rows);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async store(rows: Row[]): Promise<void> {
    const col = <K extends keyof Row>(k: K) => rows.map((r) => r[k]);
    await this.dataSource.query(
      `INSERT INTO chat_replay_item (broadcast_id, item_id, kind, offset_ms, kafka_offset, author_id, author_handle, text, taps, at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::uuid[], $7::text[], $8::text[], $9::int[], $10::timestamptz[])
       ON CONFLICT (broadcast_id, item_id) DO NOTHING`,
      [col('broadcastId'), col('itemId'), col('kind'), col('offsetMs'), col('kafkaOffset'), col('authorId'), col('handle'), col('text'), col('taps'), col('at')],
    );
  }
}

function toRow(headers: Record<string, string>, value: Buffer, offset: string): Row[] {
  try {
    switch (headers[Header.type]) {
      case ChatMessagePostedEvent.name: {
        const m: ChatMessagePosted = decodeEvent(ChatMessagePostedEvent, value);
        const at = m.postedAt ? timestampDate(m.postedAt) : new Date();
        return [{ broadcastId: m.broadcastId, itemId: m.messageId, kind: 'message', offsetMs: String(m.offsetMs), kafkaOffset: offset, authorId: m.authorId, handle: m.authorHandle, text: m.text, taps: null, at }];
      }
      case HeartsBurstEvent.name: {
        const h: HeartsBurst = decodeEvent(HeartsBurstEvent, value);
        const at = h.at ? timestampDate(h.at) : new Date();
        return [{ broadcastId: h.broadcastId, itemId: h.burstId, kind: 'hearts', offsetMs: String(h.offsetMs), kafkaOffset: offset, authorId: null, handle: null, text: null, taps: h.taps, at }];
      }
    }
  } catch (err) {
    new Logger('ReplayArchive').error(`undecodable ${headers[Header.type]} ${headers[Header.id]} not archived: ${(err as Error).message}`);
  }
  return [];
}
