import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccounts1763769600001 implements MigrationInterface {
  name = 'CreateAccounts1763769600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account (
        id            uuid PRIMARY KEY,
        handle        text NOT NULL,
        email         text NOT NULL,
        display_name  text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT account_handle_key UNIQUE (handle),
        CONSTRAINT account_email_key UNIQUE (email)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE account');
  }
}
