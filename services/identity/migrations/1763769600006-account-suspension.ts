import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account's current suspension as ops last said (ops.account_suspended.v1): one row per
 * account, the newest suspended_at wins. In force while not lifted and `until` (null: for good)
 * has not passed; a timed one ends on its own, by comparing times.
 */
export class AccountSuspension1763769600006 implements MigrationInterface {
  name = 'AccountSuspension1763769600006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account_suspension (
        account_id    uuid PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
        suspension_id uuid NOT NULL,
        suspended_at  timestamptz NOT NULL,
        until         timestamptz,
        lifted_at     timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE account_suspension');
  }
}
