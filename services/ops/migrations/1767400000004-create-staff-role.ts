import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStaffRole1767400000004 implements MigrationInterface {
  name = 'CreateStaffRole1767400000004';

  async up(q: QueryRunner): Promise<void> {
    // Who holds which staff role, as identity's role events told ops: one row per account and
    // role, kept (held = false) after a revocation so a late, older event cannot bring it back.
    await q.query(`
      CREATE TABLE staff_role (
        account_id uuid NOT NULL,
        role       text NOT NULL CHECK (role IN ('operator', 'admin')),
        held       boolean NOT NULL,
        changed_at timestamptz NOT NULL,
        event_id   uuid NOT NULL,
        PRIMARY KEY (account_id, role)
      )`);
    // The role events consumed before this table existed are already committed, and Kafka will
    // not deliver them again; the audit log holds each of them (its id is the event's), so the
    // newest entry per account and role is the state. On an equal time a grant wins: wrongly
    // protecting an account only means an admin has to suspend it.
    await q.query(`
      INSERT INTO staff_role (account_id, role, held, changed_at, event_id)
      SELECT DISTINCT ON (target_id, details->>'role') target_id, details->>'role', action = 'role_granted', at, id
        FROM audit_entry
       WHERE action IN ('role_granted', 'role_revoked') AND target_type = 'account' AND details->>'role' IN ('operator', 'admin')
       ORDER BY target_id, details->>'role', at DESC, action = 'role_granted' DESC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE staff_role');
  }
}
