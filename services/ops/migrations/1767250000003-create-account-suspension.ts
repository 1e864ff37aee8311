import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccountSuspension1767250000003 implements MigrationInterface {
  name = 'CreateAccountSuspension1767250000003';

  async up(q: QueryRunner): Promise<void> {
    // Every suspension an operator made, kept after it ends: an account's current one is its
    // newest row, while not lifted and its `until` has not passed (a newer one replaces it).
    // Writers of one account serialise on an advisory lock, so suspended_at grows strictly.
    await q.query(`
      CREATE TABLE account_suspension (
        id               uuid PRIMARY KEY,
        account_id       uuid NOT NULL,
        actor_account_id uuid NOT NULL,
        reason           text NOT NULL,
        suspended_at     timestamptz NOT NULL,
        until            timestamptz,
        lifted_at        timestamptz,
        lifted_by        uuid,
        lift_reason      text,
        UNIQUE (account_id, suspended_at)
      )`);
    await q.query('ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_action_check');
    await q.query(
      `ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_action_check CHECK (action IN ('role_granted', 'role_revoked', 'reports_dismissed', 'broadcast_taken_down', 'account_suspended', 'account_suspension_lifted'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // NOT VALID: the append-only log keeps the entries of these actions already written.
    await q.query('ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_action_check');
    await q.query(`ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_action_check CHECK (action IN ('role_granted', 'role_revoked', 'reports_dismissed', 'broadcast_taken_down')) NOT VALID`);
    await q.query('DROP TABLE account_suspension');
  }
}
