import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';
import { SignInRateLimitedError } from './session.errors.js';

/**
 * Counts failed sign-ins per account and per client IP in fixed windows kept in PostgreSQL, so
 * every replica sees the same counts. Checked before the (expensive) password hash.
 */
@Injectable()
export class SignInLimiter {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  private buckets(login: string, ip: string) {
    const { maxFailuresPerAccount, maxFailuresPerIp } = this.config.auth;
    return [
      { bucket: `account:${login}`, max: maxFailuresPerAccount },
      { bucket: `ip:${ip}`, max: maxFailuresPerIp },
    ];
  }

  private window() {
    const size = this.config.auth.signInWindowSeconds * 1000;
    const start = Math.floor(Date.now() / size) * size;
    return { start: new Date(start), retryAfterSeconds: Math.max(1, Math.ceil((start + size - Date.now()) / 1000)) };
  }

  async assertAllowed(login: string, ip: string): Promise<void> {
    const { start, retryAfterSeconds } = this.window();
    for (const { bucket, max } of this.buckets(login, ip)) {
      const [row] = await this.dataSource.query('SELECT failures FROM sign_in_failure WHERE bucket = $1 AND window_start = $2', [bucket, start]);
      if (row && row.failures >= max) throw new SignInRateLimitedError(retryAfterSeconds);
    }
  }

  async recordFailure(login: string, ip: string): Promise<void> {
    const { start } = this.window();
    for (const { bucket } of this.buckets(login, ip)) {
      await this.dataSource.query(
        `INSERT INTO sign_in_failure (bucket, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET failures = sign_in_failure.failures + 1`,
        [bucket, start],
      );
    }
    // Old windows are useless; trim them opportunistically.
    await this.dataSource.query(`DELETE FROM sign_in_failure WHERE window_start < now() - interval '1 day'`);
  }
}
