import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const R = 8;
const P = 1;

function derive(password: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r: R, p: P, maxmem: 256 * N * R };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * scrypt (memory-hard) password hashes in the form `scrypt$<logN>$<r>$<p>$<salt>$<hash>`: the
 * parameters travel with each hash, so raising the cost later needs no migration.
 */
export class PasswordHasher {
  private readonly dummy: Promise<string>;

  constructor(private readonly logN: number) {
    // Verified against when the account does not exist, so "unknown account" and "wrong
    // password" take the same time.
    this.dummy = this.hash(randomBytes(16).toString('hex'));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, this.logN);
    return ['scrypt', this.logN, R, P, salt.toString('base64'), key.toString('base64')].join('$');
  }

  /** Constant-time check; `stored` undefined means "no such account" (always false). */
  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const [scheme, logN, r, p, salt, key] = (stored ?? (await this.dummy)).split('$');
    if (scheme !== 'scrypt' || Number(r) !== R || Number(p) !== P) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), Number(logN));
    return timingSafeEqual(expected, actual) && stored !== undefined;
  }
}
