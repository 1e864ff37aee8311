import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeletedAccounts1763856000004 implements MigrationInterface {
  name = 'CreateDeletedAccounts1763856000004';

  async up(q: QueryRunner): Promise<void> {
    // Tombstones of accounts identity deleted: once purged, nothing may point at them again
    // (a follow or block sent with a still-valid token, or racing the purge).
    await q.query(`
      CREATE TABLE deleted_account (
        account_id  uuid PRIMARY KEY,
        deleted_at  timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deleted_account');
  }
}
