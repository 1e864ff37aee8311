import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddSfuNodeRelayUrl1764892800001 implements MigrationInterface {
  name = 'AddSfuNodeRelayUrl1764892800001';

  async up(q: QueryRunner): Promise<void> {
    // Where other nodes relay a broadcast from this one, so a viewer can be placed on another node
    // when the publisher's is full. Empty for nodes that do not report it: they cannot be relayed from.
    await q.query(`ALTER TABLE sfu_node ADD COLUMN relay_url text NOT NULL DEFAULT ''`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sfu_node DROP COLUMN relay_url');
  }
}
