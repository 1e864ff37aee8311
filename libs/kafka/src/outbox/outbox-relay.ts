import { Logger } from '@nestjs/common';
import { extractTraceContext, injectTraceContext, meter, SpanKind } from '@onair/telemetry';
import { ROOT_CONTEXT, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { Client } from 'pg';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { Header } from '../event-record.js';
import { createIdempotentProducer } from '../kafka-options.js';
import { outboxChannel } from './outbox.js';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  kafka: Kafka;
  schema: string;
  databaseUrl: string;
  batchSize?: number;
  /** Fallback poll when no notification arrives (notifications can be missed across reconnects). */
  pollMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  event_key: string;
  event_type: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/**
 * Moves committed outbox rows to Kafka, oldest first, and deletes them once Kafka
 * acknowledged them: at-least-once, never lost (a row leaves only after the ack), ordered per
 * key (one relay per schema holds an advisory lock, sends in id order with an idempotent,
 * one-in-flight producer). A crash between ack and delete re-sends; consumers dedupe by
 * event id.
 */
export class OutboxRelay {
  private readonly log = new Logger('OutboxRelay');
  private readonly relayed = meter('kafka').createCounter('outbox_relayed_events_total');
  private readonly failures = meter('kafka').createCounter('outbox_relay_failures_total');
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private listener?: Client;
  private producer?: Producer;
  private leader = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.producer?.disconnect().catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      try {
        if (!(await this.ensureLeader())) {
          await this.sleep(this.options.pollMs ?? 1000);
          continue;
        }
        const sent = await this.relayBatch();
        backoff = 0;
        if (sent === 0) await this.sleep(this.options.pollMs ?? 1000);
      } catch (err) {
        this.failures.add(1);
        this.log.warn(`relay failed, will retry: ${(err as Error).message}`);
        await this.resetProducer();
        backoff = Math.min(5000, backoff ? backoff * 2 : 250);
        await this.sleep(backoff);
      }
    }
  }

  /** One dedicated connection holds the leader lock and LISTENs for new rows. */
  private async ensureLeader(): Promise<boolean> {
    if (this.leader && this.listener) return true;
    if (!this.listener) {
      const client = new Client({ connectionString: this.options.databaseUrl });
      client.on('error', () => this.dropListener(client));
      client.on('end', () => this.dropListener(client));
      client.on('notification', () => this.wake?.());
      await client.connect();
      this.listener = client;
    }
    const { rows } = await this.listener.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [`outbox-relay:${this.options.schema}`],
    );
    this.leader = rows[0].locked;
    if (this.leader) await this.listener.query(`LISTEN "${outboxChannel(this.options.schema)}"`);
    return this.leader;
  }

  private dropListener(client: Client) {
    if (this.listener !== client) return;
    this.listener = undefined;
    this.leader = false;
  }

  private async relayBatch(): Promise<number> {
    const rows: OutboxRow[] = await this.options.dataSource.query(
      `SELECT id, topic, event_key, event_type, payload, headers FROM outbox_event ORDER BY id LIMIT $1`,
      [this.options.batchSize ?? 500],
    );
    if (rows.length === 0) return 0;
    const producer = await this.connectedProducer();
    const spans: Span[] = [];
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const span = trace.getTracer('onair').startSpan(
        `${row.topic} publish`,
        { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': row.topic, 'messaging.message.id': row.headers[Header.id] } },
        extractTraceContext(row.headers),
      );
      spans.push(span);
      const headers = { ...row.headers, ...injectTraceContext(trace.setSpan(ROOT_CONTEXT, span)) };
      const list = byTopic.get(row.topic) ?? [];
      list.push({ key: row.event_key, value: row.payload, headers });
      byTopic.set(row.topic, list);
    }
    try {
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (err) {
      for (const span of spans) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        span.end();
      }
      throw err;
    }
    spans.forEach((s) => s.end());
    await this.options.dataSource.query('DELETE FROM outbox_event WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
    this.relayed.add(rows.length);
    return rows.length;
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = createIdempotentProducer(this.options.kafka);
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  /** After a failed send the producer may hold a broken connection; start over. */
  private async resetProducer() {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
