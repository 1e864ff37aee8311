import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccountSuspension1767200000001 implements MigrationInterface {
  name = 'CreateAccountSuspension1767200000001';

  async up(q: QueryRunner): Promise<void> {
    // An account's current suspension by OnAir's operators (ops.account_suspended.v1), one row per
    // account: a newer suspension replaces the row, a lifting of this one sets lifted_at. In force
    // while not lifted and before `until` (NULL: for good); no sweeper needs to end it.
    await q.query(`
      CREATE TABLE account_suspension (
        account_id    uuid PRIMARY KEY,
        suspension_id text NOT NULL,
        suspended_at  timestamptz NOT NULL,
        until         timestamptz,
        lifted_at     timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE account_suspension');
  }
}
