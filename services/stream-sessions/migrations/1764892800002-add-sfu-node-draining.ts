import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSfuNodeDraining1764892800002 implements MigrationInterface {
  name = 'AddSfuNodeDraining1764892800002';

  async up(q: QueryRunner): Promise<void> {
    // A node shutting down still reports (its rooms live on until they end) but must get no new
    // publishers or viewers: placement skips it, and viewers of its broadcasts go to relaying nodes.
    await q.query('ALTER TABLE sfu_node ADD COLUMN draining boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sfu_node DROP COLUMN draining');
  }
}
