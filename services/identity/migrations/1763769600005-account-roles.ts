import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles that let an account operate the platform. A row per role held; the admin who granted
 * it is kept while their account exists (the full history is in the role events).
 */
export class AccountRoles1763769600005 implements MigrationInterface {
  name = 'AccountRoles1763769600005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account_role (
        account_id  uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        role        text NOT NULL CHECK (role IN ('operator', 'admin')),
        granted_by  uuid REFERENCES account(id) ON DELETE SET NULL,
        granted_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, role)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE account_role');
  }
}
