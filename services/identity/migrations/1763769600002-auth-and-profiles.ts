import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuthAndProfiles1763769600002 implements MigrationInterface {
  name = 'AuthAndProfiles1763769600002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE account ADD COLUMN password_hash text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE account ALTER COLUMN password_hash DROP DEFAULT`);
    await q.query(`ALTER TABLE account ADD COLUMN bio text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE account ADD COLUMN avatar_type text`);
    // Private keys sit in the service's own schema; a production deployment would wrap them
    // with a KMS key. Retired keys stay published until every token they signed has expired.
    await q.query(`
      CREATE TABLE signing_key (
        kid         text PRIMARY KEY,
        private_jwk jsonb NOT NULL,
        public_jwk  jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        retired_at  timestamptz
      )`);
    await q.query(`
      CREATE TABLE session (
        id          uuid PRIMARY KEY,
        account_id  uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )`);
    await q.query('CREATE INDEX session_account_idx ON session (account_id)');
    // One row per refresh token ever issued; a session's tokens form one rotation family.
    await q.query(`
      CREATE TABLE refresh_token (
        token_hash  bytea PRIMARY KEY,
        session_id  uuid NOT NULL REFERENCES session(id) ON DELETE CASCADE,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await q.query(`
      CREATE TABLE sign_in_failure (
        bucket      text NOT NULL,
        window_start timestamptz NOT NULL,
        failures    int NOT NULL,
        PRIMARY KEY (bucket, window_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sign_in_failure');
    await q.query('DROP TABLE refresh_token');
    await q.query('DROP TABLE session');
    await q.query('DROP TABLE signing_key');
    await q.query('ALTER TABLE account DROP COLUMN avatar_type, DROP COLUMN bio, DROP COLUMN password_hash');
  }
}
