import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateChat1765000000001 implements MigrationInterface {
  name = 'CreateChat1765000000001';

  async up(q: QueryRunner): Promise<void> {
    // One row per broadcast that went live, from stream-sessions' events; the broadcaster's
    // settings and the heart total live here.
    await q.query(`
      CREATE TABLE chat_room (
        broadcast_id   uuid PRIMARY KEY,
        owner_id       uuid NOT NULL,
        state          text NOT NULL CHECK (state IN ('live', 'ended')),
        started_at     timestamptz NOT NULL,
        ended_at       timestamptz,
        followers_only boolean NOT NULL DEFAULT false,
        juries_enabled boolean NOT NULL DEFAULT true,
        hearts_total   bigint NOT NULL DEFAULT 0
      )`);
    // The first CHAT_OPEN_COMMENTERS accounts to write in a room: they may go on writing when it is crowded.
    await q.query(`
      CREATE TABLE chat_commenter (
        broadcast_id uuid NOT NULL REFERENCES chat_room(broadcast_id) ON DELETE CASCADE,
        account_id   uuid NOT NULL,
        first_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (broadcast_id, account_id)
      )`);
    // Hearts counted toward the total per viewer (capped): the cap holds across pods and reconnects.
    await q.query(`
      CREATE TABLE chat_heart_tally (
        broadcast_id uuid NOT NULL REFERENCES chat_room(broadcast_id) ON DELETE CASCADE,
        account_id   uuid NOT NULL,
        counted      int NOT NULL,
        PRIMARY KEY (broadcast_id, account_id)
      )`);
    // until NULL: for the rest of the broadcast.
    await q.query(`
      CREATE TABLE chat_mute (
        broadcast_id uuid NOT NULL REFERENCES chat_room(broadcast_id) ON DELETE CASCADE,
        account_id   uuid NOT NULL,
        until        timestamptz,
        reason       text NOT NULL,
        PRIMARY KEY (broadcast_id, account_id)
      )`);
    await q.query(`
      CREATE TABLE chat_jury (
        jury_id      uuid PRIMARY KEY,
        broadcast_id uuid NOT NULL REFERENCES chat_room(broadcast_id) ON DELETE CASCADE,
        message_id   uuid NOT NULL,
        author_id    uuid NOT NULL,
        reporter_id  uuid NOT NULL,
        juror_ids    uuid[] NOT NULL,
        deadline     timestamptz NOT NULL,
        verdict      text CHECK (verdict IN ('guilty', 'acquitted')),
        decided_at   timestamptz,
        UNIQUE (broadcast_id, message_id)
      )`);
    await q.query(`
      CREATE TABLE chat_jury_vote (
        jury_id  uuid NOT NULL REFERENCES chat_jury(jury_id) ON DELETE CASCADE,
        juror_id uuid NOT NULL,
        guilty   boolean NOT NULL,
        PRIMARY KEY (jury_id, juror_id)
      )`);
    // What the replay shows: messages and heart bursts at their offset from the broadcast start,
    // in the room's Kafka order (one partition per room: its offset orders them).
    await q.query(`
      CREATE TABLE chat_replay_item (
        broadcast_id  uuid NOT NULL,
        item_id       uuid NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('message', 'hearts')),
        offset_ms     bigint NOT NULL,
        kafka_offset  bigint NOT NULL,
        author_id     uuid,
        author_handle text,
        text          text,
        taps          int,
        at            timestamptz NOT NULL,
        PRIMARY KEY (broadcast_id, item_id)
      )`);
    await q.query('CREATE INDEX chat_replay_item_order ON chat_replay_item (broadcast_id, offset_ms, kafka_offset)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['chat_replay_item', 'chat_jury_vote', 'chat_jury', 'chat_mute', 'chat_heart_tally', 'chat_commenter', 'chat_room']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
