import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBroadcastTakedown1767100000002 implements MigrationInterface {
  name = 'CreateBroadcastTakedown1767100000002';

  async up(q: QueryRunner): Promise<void> {
    // One row per broadcast an operator took down: the primary key makes a second takedown of
    // the same broadcast a conflict, whatever the concurrency.
    await q.query(`
      CREATE TABLE broadcast_takedown (
        broadcast_id     uuid PRIMARY KEY,
        id               uuid NOT NULL UNIQUE,
        actor_account_id uuid NOT NULL,
        reason           text NOT NULL,
        taken_down_at    timestamptz NOT NULL
      )`);
    await q.query('ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_action_check');
    await q.query(`ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_action_check CHECK (action IN ('role_granted', 'role_revoked', 'reports_dismissed', 'broadcast_taken_down'))`);
    // A takedown closes the broadcast's open reports as actioned: out of the queue, kept in the
    // target's detail. A later report opens the target again, as after a dismissal.
    await q.query('ALTER TABLE report DROP CONSTRAINT report_status_check');
    await q.query(`ALTER TABLE report ADD CONSTRAINT report_status_check CHECK (status IN ('open', 'dismissed', 'actioned'))`);
    await q.query('ALTER TABLE report ADD COLUMN actioned_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report DROP COLUMN actioned_at');
    await q.query(`UPDATE report SET status = 'dismissed', dismissed_at = now() WHERE status = 'actioned'`);
    await q.query('ALTER TABLE report DROP CONSTRAINT report_status_check');
    await q.query(`ALTER TABLE report ADD CONSTRAINT report_status_check CHECK (status IN ('open', 'dismissed'))`);
    await q.query('DROP TABLE broadcast_takedown');
  }
}
