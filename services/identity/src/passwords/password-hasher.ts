import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { HashBudget } from './hash-budget.js';

const KEY_LENGTH = 32;
const R = 8;
const P = 1;

/** scrypt's working memory for one hash: 128·N·r bytes (128 MiB at logN 17). */
export const scryptMemoryBytes = (logN: number) => 128 * 2 ** logN * R;

function derive(password: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r: R, p: P, maxmem: 256 * N * R };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * scrypt (memory-hard) password hashes in the form `scrypt$<logN>$<r>$<p>$<salt>$<hash>`: the
 * parameters travel with each hash, so raising the cost later needs no migration. Every hash
 * runs within the memory budget (HashBudget): past it, callers get IDENTITY.BUSY.
 */
export class PasswordHasher {
  private dummy?: Promise<string>;

  constructor(
    private readonly logN: number,
    private readonly budget: HashBudget,
  ) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.budget.run(scryptMemoryBytes(this.logN), () => derive(password, salt, this.logN));
    return ['scrypt', this.logN, R, P, salt.toString('base64'), key.toString('base64')].join('$');
  }

  /** Constant-time check; `stored` undefined means "no such account" (always false). */
  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const [scheme, logN, r, p, salt, key] = (stored ?? (await this.dummyHash())).split('$');
    const cost = Number(logN);
    if (scheme !== 'scrypt' || Number(r) !== R || Number(p) !== P || !Number.isInteger(cost) || cost < 10 || cost > 20) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await this.budget.run(scryptMemoryBytes(cost), () => derive(password, Buffer.from(salt, 'base64'), cost));
    return timingSafeEqual(expected, actual) && stored !== undefined;
  }

  /**
   * Verified against when the account does not exist, so "unknown account" and "wrong
   * password" take the same time. Made on first need (a hash at boot would hold the budget).
   */
  private dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex')).catch((err) => {
      this.dummy = undefined;
      throw err;
    });
    return this.dummy;
  }
}
