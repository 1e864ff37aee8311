import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IPs an account recently signed in from: they stay exempt from the per-account ceiling on
 * failed sign-ins, so strangers guessing from many IPs cannot lock the owner out.
 */
export class SignInKnownIps1763769600004 implements MigrationInterface {
  name = 'SignInKnownIps1763769600004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sign_in_known_ip (
        account_id      uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        ip              text NOT NULL,
        last_success_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, ip)
      )`);
    // sign_in_failure now counts attempts reserved before the hash (a success gives its back).
    await q.query(`COMMENT ON TABLE sign_in_failure IS 'password checks per bucket and window, reserved before hashing; refunded on success'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sign_in_known_ip');
  }
}
