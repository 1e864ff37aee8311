import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBlocks1763856000002 implements MigrationInterface {
  name = 'CreateBlocks1763856000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE block (
        blocker_id  uuid NOT NULL,
        blocked_id  uuid NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT block_pkey PRIMARY KEY (blocker_id, blocked_id),
        CONSTRAINT block_not_self CHECK (blocker_id <> blocked_id)
      )`);
    // "Is either one blocked by the other" reads both directions; purge finds both sides.
    await q.query('CREATE INDEX block_blocked ON block (blocked_id, blocker_id)');
    // Newest-first pages of one's own block list.
    await q.query('CREATE INDEX block_blocker_recent ON block (blocker_id, created_at, blocked_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE block');
  }
}
