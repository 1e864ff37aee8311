import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';
import { PasswordHasher } from './password-hasher.js';
import { SignInRateLimitedError } from './password.errors.js';

/** Whose password is being checked: an account, or (not found) the login text as typed. */
export type Subject = { accountId: string } | { unknownLogin: string };

/** One password check reserved against every bucket; it counts as a failure unless given back. */
interface Attempt {
  /** The password was right: the attempt is given back and the IP becomes known to the account. */
  succeeded(): Promise<void>;
  /** The password was never checked (e.g. IDENTITY.BUSY): the attempt is given back. */
  notChecked(): Promise<void>;
}

interface Bucket {
  name: string;
  max: number;
}

/**
 * Password checks (sign-in, account deletion), limited in fixed windows kept in PostgreSQL, so
 * every replica sees the same counts:
 * - per (account, client IP), strict: one client guessing one account;
 * - per account from all IPs, a looser ceiling against guessing from many IPs; IPs the account
 *   signed in from recently are exempt, so strangers cannot lock the owner out;
 * - per client IP across accounts: one client spraying many accounts.
 * An unknown login is limited as if it were an account (keyed by its text), so the answers do
 * not tell which logins exist.
 *
 * The attempt is reserved before the (slow) hash, atomically per bucket: concurrent guesses
 * cannot all pass a count read before any of them is recorded. A right password refunds it.
 */
@Injectable()
export class PasswordAttempts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /**
   * Checks a password through the limits: the attempt is reserved first (429 past a limit),
   * then hashed (503 when the hash budget stays full: the attempt is given back), and given back
   * when the password is right. `storedHash` undefined (no such account) is always false, after
   * the same work. Sign-in and account deletion both check passwords here.
   */
  async check(subject: Subject, ip: string, password: string, storedHash: string | undefined): Promise<boolean> {
    const attempt = await this.reserve(subject, ip);
    let valid: boolean;
    try {
      valid = await this.hasher.verify(password, storedHash);
    } catch (err) {
      await attempt.notChecked();
      throw err;
    }
    if (valid) await attempt.succeeded();
    return valid;
  }

  /** Reserves one password check or throws SignInRateLimitedError (429, Retry-After). */
  private async reserve(subject: Subject, ip: string): Promise<Attempt> {
    const { start, retryAfterSeconds } = this.window();
    const buckets = await this.buckets(subject, ip);
    await this.dataSource.transaction(async (manager) => {
      // Fixed order, so two reservations never wait on each other's rows crosswise.
      for (const { name, max } of [...buckets].sort((a, b) => a.name.localeCompare(b.name))) {
        // One statement per bucket: the upsert's row lock makes concurrent reservations of a
        // bucket take turns, and each sees the count the previous one left.
        const rows: unknown[] = await manager.query(
          `INSERT INTO sign_in_failure (bucket, window_start, failures) VALUES ($1, $2, 1)
           ON CONFLICT (bucket, window_start) DO UPDATE SET failures = sign_in_failure.failures + 1
            WHERE sign_in_failure.failures < $3
           RETURNING failures`,
          [name, start, max],
        );
        // A full bucket: roll back the others, nothing is counted.
        if (rows.length === 0) throw new SignInRateLimitedError(retryAfterSeconds);
      }
    });
    if (Math.random() < 0.01) await this.trimOldWindows();
    const refund = () =>
      this.dataSource.query(
        `UPDATE sign_in_failure SET failures = failures - 1 WHERE bucket = ANY($1) AND window_start = $2 AND failures > 0`,
        [buckets.map((b) => b.name), start],
      );
    return {
      succeeded: async () => {
        await refund();
        if ('accountId' in subject) await this.rememberIp(subject.accountId, ip);
      },
      notChecked: async () => void (await refund()),
    };
  }

  /** A successful password check from `ip`: exempt from the account's ceiling for a while. */
  private async rememberIp(accountId: string, ip: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sign_in_known_ip (account_id, ip) VALUES ($1, $2)
       ON CONFLICT (account_id, ip) DO UPDATE SET last_success_at = now()`,
      [accountId, ip],
    );
  }

  private async buckets(subject: Subject, ip: string): Promise<Bucket[]> {
    const { maxFailuresPerAccountAndIp, maxFailuresPerAccount, maxFailuresPerIp, knownIpDays } = this.config.auth;
    const who = 'accountId' in subject ? `account:${subject.accountId}` : `login:${subject.unknownLogin}`;
    const buckets = [
      { name: `${who}|ip:${ip}`, max: maxFailuresPerAccountAndIp },
      { name: `ip:${ip}`, max: maxFailuresPerIp },
    ];
    // Asked for unknown logins too (it finds nothing), so both take the same path.
    const [known] = await this.dataSource.query(
      `SELECT 1 FROM sign_in_known_ip WHERE account_id = $1 AND ip = $2 AND last_success_at > now() - make_interval(days => $3)`,
      ['accountId' in subject ? subject.accountId : '00000000-0000-0000-0000-000000000000', ip, knownIpDays],
    );
    if (!known) buckets.push({ name: who, max: maxFailuresPerAccount });
    return buckets;
  }

  private window() {
    const size = this.config.auth.signInWindowSeconds * 1000;
    const start = Math.floor(Date.now() / size) * size;
    return { start: new Date(start), retryAfterSeconds: Math.max(1, Math.ceil((start + size - Date.now()) / 1000)) };
  }

  // Old windows are useless; trimmed now and then rather than on every attempt.
  private async trimOldWindows(): Promise<void> {
    await this.dataSource.query(`DELETE FROM sign_in_failure WHERE window_start < now() - interval '1 day'`);
  }
}

