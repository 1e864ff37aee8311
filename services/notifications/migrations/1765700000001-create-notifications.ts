import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotifications1765700000001 implements MigrationInterface {
  name = 'CreateNotifications1765700000001';

  async up(q: QueryRunner): Promise<void> {
    // Handles as identity last published them: what notifications say about their actors.
    await q.query(`
      CREATE TABLE account_name (
        account_id   uuid PRIMARY KEY,
        handle       text NOT NULL,
        display_name text NOT NULL DEFAULT '',
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    // The inbox. One row per (recipient, kind, what it is about): a repeat is no second row.
    await q.query(`
      CREATE TABLE notification (
        id           uuid PRIMARY KEY,
        recipient_id uuid NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('went_live', 'went_live_digest', 'followed', 'replay_ready', 'replay_expiring')),
        source_key   text NOT NULL,
        actor_id     uuid,
        actor_handle text,
        broadcast_id uuid,
        title        text,
        count        integer NOT NULL DEFAULT 1,
        created_at   timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        -- Milliseconds, as the page cursors carry them.
        updated_at   timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        read_at      timestamptz,
        UNIQUE (recipient_id, kind, source_key)
      )`);
    await q.query('CREATE INDEX notification_inbox ON notification (recipient_id, updated_at DESC, id DESC)');
    await q.query('CREATE INDEX notification_unread ON notification (recipient_id) WHERE read_at IS NULL');
    // Only retention reads these two, by age: BRIN (rows arrive roughly in time order) costs a
    // go-live to 100,000 next to nothing, where a B-tree would take 100,000 more index inserts.
    await q.query('CREATE INDEX notification_age ON notification USING brin (updated_at)');
    // Who was told about which go-live (a notification or a digest count): exactly once in effect.
    await q.query(`
      CREATE TABLE go_live_delivery (
        broadcast_id uuid NOT NULL,
        recipient_id uuid NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (broadcast_id, recipient_id)
      )`);
    await q.query('CREATE INDEX go_live_delivery_age ON go_live_delivery USING brin (created_at)');
    // The go-live notifications a recipient got in the last hour (at most the hourly cap).
    await q.query(`
      CREATE TABLE go_live_quota (
        recipient_id uuid PRIMARY KEY,
        sent_at      timestamptz[] NOT NULL
      )`);
    // A go-live being fanned out: which audience, how far (the last recipient published), who works on it.
    await q.query(`
      CREATE TABLE fanout_job (
        broadcast_id uuid PRIMARY KEY,
        owner_id     uuid NOT NULL,
        title        text NOT NULL,
        audience     text NOT NULL CHECK (audience IN ('followers', 'circle')),
        circle_id    uuid,
        started_at   timestamptz NOT NULL,
        cursor       uuid,
        chunks       integer NOT NULL DEFAULT 0,
        recipients   integer NOT NULL DEFAULT 0,
        lease_owner  text,
        lease_until  timestamptz,
        created_at   timestamptz NOT NULL DEFAULT now(),
        done_at      timestamptz
      )`);
    await q.query('CREATE INDEX fanout_job_pending ON fanout_job (created_at) WHERE done_at IS NULL');
    await q.query(`
      CREATE TABLE preference (
        account_id uuid PRIMARY KEY,
        go_live    boolean NOT NULL DEFAULT true,
        followers  boolean NOT NULL DEFAULT true,
        replays    boolean NOT NULL DEFAULT true
      )`);
    // "Don't notify me about X".
    await q.query(`
      CREATE TABLE mute (
        account_id uuid NOT NULL,
        muted_id   uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, muted_id)
      )`);
    await q.query('CREATE INDEX mute_by_muted ON mute (muted_id, account_id)');
    await q.query(`
      CREATE TABLE push_subscription (
        id         uuid PRIMARY KEY,
        account_id uuid NOT NULL,
        endpoint   text NOT NULL,
        p256dh     text NOT NULL,
        auth       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, endpoint)
      )`);
    // Single-use tickets for the live stream (a page's EventSource cannot send a header): only their hash is kept.
    await q.query(`
      CREATE TABLE stream_ticket (
        ticket_hash text PRIMARY KEY,
        account_id  uuid NOT NULL,
        session_id  text NOT NULL,
        expires_at  timestamptz NOT NULL
      )`);
    // "Your replay expires in an hour", due at expiry minus an hour.
    await q.query(`
      CREATE TABLE replay_reminder (
        broadcast_id uuid PRIMARY KEY,
        owner_id     uuid NOT NULL,
        due_at       timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX replay_reminder_due ON replay_reminder (due_at)');
    // The VAPID key pair when none is configured: made once, shared by every pod.
    await q.query(`
      CREATE TABLE vapid_key (
        id          integer PRIMARY KEY CHECK (id = 1),
        public_key  text NOT NULL,
        private_key text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['vapid_key', 'replay_reminder', 'stream_ticket', 'push_subscription', 'mute', 'preference', 'fanout_job', 'go_live_quota', 'go_live_delivery', 'notification', 'account_name']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
