import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** The one algorithm of every OnAir key ring: Ed25519 signatures (JWS `EdDSA`). */
export const KEY_RING_ALGORITHM = 'EdDSA';

export interface KeyRingOptions {
  dataSource: DataSource;
  /** The ring's table in the service's own schema (see `keyRingTableSql`). */
  table: string;
  /** Name of the advisory lock that serialises key changes across replicas. */
  lockName: string;
  /** A key signs this long before it is rotated out automatically. */
  rotationHours: number;
  /** A new key is published this long before it signs (longer than verifiers cache the JWKS). */
  publishAheadSeconds: number;
  /** How long a replica keeps signing with the key it loaded. */
  cacheSeconds: number;
  /** How long a retired key stays published: the longest lifetime of anything it signed, plus margin. */
  retainSeconds: number;
  log?: { log(message: string): void; warn(message: string): void };
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey | KeyObject | Uint8Array;
  /** When it started (or starts) signing. */
  createdAt: Date;
}

interface KeyRow {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: Date;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The key ring table: one row per key, private and public JWK side by side in the service's
 * own schema (a production deployment would wrap the private keys with a KMS key).
 */
export function keyRingTableSql(table: string): string {
  if (!IDENTIFIER.test(table)) throw new Error(`key ring table "${table}" is not a plain identifier`);
  return `CREATE TABLE ${table} (
    kid          text PRIMARY KEY,
    private_jwk  jsonb NOT NULL,
    public_jwk   jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    retired_at   timestamptz,
    activates_at timestamptz NOT NULL DEFAULT now()
  )`;
}

/**
 * An Ed25519 key ring in a service's own PostgreSQL table. One key signs at a time. Rotation
 * publishes the next key at once but signs with it only `publishAheadSeconds` later (verifiers
 * have refreshed their JWKS cache by then), and keeps the old public key published for
 * `retainSeconds` after it stops signing: a rotation never makes a signed token meet an
 * unknown key. Replicas pick up the active key within `cacheSeconds`.
 */
export class KeyRing {
  private current?: { key: SigningKey; loadedAt: number };
  private timer?: NodeJS.Timeout;

  constructor(private readonly ring: KeyRingOptions) {
    if (!IDENTIFIER.test(ring.table)) throw new Error(`key ring table "${ring.table}" is not a plain identifier`);
  }

  /** Creates the first key if there is none, then rotates automatically (checked every minute). */
  async start(): Promise<void> {
    await this.withLock(async () => {
      const [row] = await this.ring.dataSource.query(`SELECT 1 FROM ${this.ring.table} WHERE retired_at IS NULL`);
      if (!row) await this.insertKey(0);
    });
    // The check is cheap and the lock makes one replica do it.
    this.timer = setInterval(() => void this.rotateIfDue().catch((e) => this.ring.log?.warn(String(e))), 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The key that signs now. */
  async signingKey(): Promise<SigningKey> {
    if (this.current && Date.now() - this.current.loadedAt < this.ring.cacheSeconds * 1000) return this.current.key;
    const [row]: KeyRow[] = await this.ring.dataSource.query(
      `SELECT kid, private_jwk, activates_at AS created_at FROM ${this.ring.table}
        WHERE activates_at <= now() AND (retired_at IS NULL OR retired_at > now())
        ORDER BY activates_at DESC LIMIT 1`,
    );
    if (!row) throw new Error(`key ring ${this.ring.table} has no active key (was start() called?)`);
    const key = { kid: row.kid, privateKey: await importJWK(row.private_jwk, KEY_RING_ALGORITHM), createdAt: row.created_at };
    this.current = { key, loadedAt: Date.now() };
    return key;
  }

  /** Public keys that may still verify something signed: the JWKS document's `keys`. */
  async publicKeys(): Promise<JWK[]> {
    const rows: KeyRow[] = await this.ring.dataSource.query(
      `SELECT public_jwk FROM ${this.ring.table}
        WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
        ORDER BY created_at DESC`,
      [this.ring.retainSeconds],
    );
    return rows.map((r) => r.public_jwk);
  }

  /** Verification against the ring's own published keys (for jose's `jwtVerify`). */
  keySource(): JWTVerifyGetKey {
    return async (header) => {
      const jwk = (await this.publicKeys()).find((k) => k.kid === header.kid);
      if (!jwk) throw new Error(`unknown kid ${header.kid}`);
      return importJWK(jwk, KEY_RING_ALGORITHM);
    };
  }

  /** Publishes a new key now; it replaces the signing key after the publish-ahead delay. */
  async rotate(): Promise<string> {
    return this.withLock(async () => {
      const ahead = this.ring.publishAheadSeconds;
      await this.ring.dataSource.query(
        `UPDATE ${this.ring.table} SET retired_at = now() + make_interval(secs => $1) WHERE retired_at IS NULL`,
        [ahead],
      );
      const kid = await this.insertKey(ahead);
      this.current = undefined;
      this.ring.log?.log(`rotating ${this.ring.table}: ${kid} published, signs in ${ahead} s`);
      return kid;
    });
  }

  private async rotateIfDue() {
    const [pending] = await this.ring.dataSource.query(`SELECT 1 FROM ${this.ring.table} WHERE activates_at > now()`);
    const key = await this.signingKey();
    if (!pending && Date.now() - key.createdAt.getTime() >= this.ring.rotationHours * 3_600_000) await this.rotate();
  }

  private async insertKey(activateInSeconds: number): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(KEY_RING_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: KEY_RING_ALGORITHM, use: 'sig' };
    await this.ring.dataSource.query(
      `INSERT INTO ${this.ring.table} (kid, private_jwk, public_jwk, activates_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [kid, { ...(await exportJWK(privateKey)), kid }, publicJwk, activateInSeconds],
    );
    return kid;
  }

  /** Serialises key changes across replicas (transaction-scoped advisory lock). */
  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.ring.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.ring.lockName]);
      return fn();
    });
  }
}
