import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddBroadcastTakenDown1767100000001 implements MigrationInterface {
  name = 'AddBroadcastTakenDown1767100000001';

  async up(q: QueryRunner): Promise<void> {
    // When OnAir's operators took the broadcast down (ops.broadcast_taken_down.v1): from then on
    // it never goes live again, no ticket is issued for it and no recording becomes its replay.
    await q.query('ALTER TABLE broadcast ADD COLUMN taken_down_at timestamptz');
    await q.query('ALTER TABLE broadcast DROP CONSTRAINT broadcast_end_reason_check');
    await q.query(`ALTER TABLE broadcast ADD CONSTRAINT broadcast_end_reason_check CHECK (end_reason IN ('owner', 'publisher_gone', 'taken_down'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE broadcast SET end_reason = 'owner' WHERE end_reason = 'taken_down'`);
    await q.query('ALTER TABLE broadcast DROP CONSTRAINT broadcast_end_reason_check');
    await q.query(`ALTER TABLE broadcast ADD CONSTRAINT broadcast_end_reason_check CHECK (end_reason IN ('owner', 'publisher_gone'))`);
    await q.query('ALTER TABLE broadcast DROP COLUMN taken_down_at');
  }
}
