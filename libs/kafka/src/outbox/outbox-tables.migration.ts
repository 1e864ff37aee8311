import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables every service gets in its own schema: `outbox_event` (events written in the same
 * transaction as the state change, relayed to Kafka) and `processed_event` (what each of its
 * consumer groups has applied, so a redelivered event is applied once in effect).
 */
export class CreateKafkaOutboxTables1763769600000 implements MigrationInterface {
  name = 'CreateKafkaOutboxTables1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_event (
        id          bigserial PRIMARY KEY,
        event_id    uuid NOT NULL UNIQUE,
        topic       text NOT NULL,
        event_key   text NOT NULL,
        event_type  text NOT NULL,
        payload     bytea NOT NULL,
        headers     jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE processed_event (
        consumer_group text NOT NULL,
        event_id       text NOT NULL,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE processed_event');
    await q.query('DROP TABLE outbox_event');
  }
}
