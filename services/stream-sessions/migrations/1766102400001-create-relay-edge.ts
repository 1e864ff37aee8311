import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRelayEdge1766102400001 implements MigrationInterface {
  name = 'CreateRelayEdge1766102400001';

  async up(q: QueryRunner): Promise<void> {
    // A broadcast's relay tree: each SFU node carrying it apart from its origin, and the node it
    // pulls the broadcast from. Written when placement sends the first viewer there, so that
    // concurrent placements see it at once; pruned by the nodes' load reports.
    await q.query(`
      CREATE TABLE relay_edge (
        broadcast_id   uuid NOT NULL REFERENCES broadcast (id) ON DELETE CASCADE,
        node_id        text NOT NULL,
        parent_node_id text NOT NULL,
        depth          integer NOT NULL CHECK (depth >= 1),
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (broadcast_id, node_id),
        CHECK (node_id <> parent_node_id)
      )`);
    await q.query('CREATE INDEX relay_edge_node ON relay_edge (node_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE relay_edge');
  }
}
