import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A new key is published before it signs anything, so every verifier has it in time. */
export class SigningKeyActivation1763769600003 implements MigrationInterface {
  name = 'SigningKeyActivation1763769600003';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signing_key ADD COLUMN activates_at timestamptz NOT NULL DEFAULT now()');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE signing_key DROP COLUMN activates_at');
  }
}
