import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTakenDownBroadcast1767100000003 implements MigrationInterface {
  name = 'CreateTakenDownBroadcast1767100000003';

  async up(q: QueryRunner): Promise<void> {
    // Broadcasts OnAir's operators took down (broadcast.ended.v1 with reason TAKEN_DOWN): no
    // go-live notification of theirs is written or pushed from then on.
    await q.query(`
      CREATE TABLE taken_down_broadcast (
        broadcast_id  uuid PRIMARY KEY,
        taken_down_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE taken_down_broadcast');
  }
}
