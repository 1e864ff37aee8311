import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStreamKey1767300000001 implements MigrationInterface {
  name = 'CreateStreamKey1767300000001';

  async up(q: QueryRunner): Promise<void> {
    // A broadcast's stream key (WHIP ingest now, RTMP later), one per broadcast: rotating replaces
    // the row, so the previous key stops working at once. Only the key's SHA-256 is kept (the key
    // is shown once, when issued) and its last characters, so the owner can tell keys apart.
    await q.query(`
      CREATE TABLE stream_key (
        broadcast_id uuid PRIMARY KEY REFERENCES broadcast(id) ON DELETE CASCADE,
        key_sha256   bytea NOT NULL,
        hint         text NOT NULL,
        issued_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stream_key');
  }
}
