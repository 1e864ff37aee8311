import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddBroadcastDiscoverableIndex1765497600001 implements MigrationInterface {
  name = 'AddBroadcastDiscoverableIndex1765497600001';

  async up(q: QueryRunner): Promise<void> {
    // The keyset walk of StreamDiscoverableBroadcasts (src/discoverable-broadcasts/): only the
    // broadcasts still live or within their replay lifetime, so expired ones, which are never
    // deleted, cost the walk nothing. The predicate must stay the reader's state list.
    await q.query(`CREATE INDEX broadcast_discoverable_idx ON broadcast (id) WHERE state IN ('live', 'ended', 'replay_ready')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX broadcast_discoverable_idx');
  }
}
