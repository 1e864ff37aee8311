import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ACCESS_TOKEN_ALGORITHM, type KeySource } from '@onair/auth';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';

interface KeyRow {
  kid: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: Date;
}

type SigningKey = { kid: string; privateKey: Awaited<ReturnType<typeof importJWK>>; createdAt: Date };

/**
 * The Ed25519 key ring that signs access tokens. One key signs at a time. Rotation publishes
 * the next key at once but signs with it only KEY_PUBLISH_AHEAD_SECONDS later (verifiers have
 * refreshed their JWKS cache by then), and keeps the old public key published until every
 * token it signed has expired: a rotation logs nobody out and no token meets an unknown key.
 * Replicas pick up the active key within SIGNING_KEY_CACHE_SECONDS.
 */
@Injectable()
export class SigningKeys implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('SigningKeys');
  private current?: { key: SigningKey; loadedAt: number };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onApplicationBootstrap() {
    await this.withLock(async () => {
      const [row] = await this.dataSource.query('SELECT 1 FROM signing_key WHERE retired_at IS NULL');
      if (!row) await this.insertKey(0);
    });
    // Automatic rotation; the check is cheap and the lock makes one replica do it.
    this.timer = setInterval(() => void this.rotateIfDue().catch((e) => this.log.warn(String(e))), 60_000);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** The key that signs new tokens. */
  async signingKey(): Promise<SigningKey> {
    if (this.current && Date.now() - this.current.loadedAt < this.config.auth.signingKeyCacheSeconds * 1000) return this.current.key;
    const [row]: KeyRow[] = await this.dataSource.query(
      `SELECT kid, private_jwk, activates_at AS created_at FROM signing_key
        WHERE activates_at <= now() AND (retired_at IS NULL OR retired_at > now())
        ORDER BY activates_at DESC LIMIT 1`,
    );
    const key = { kid: row.kid, privateKey: await importJWK(row.private_jwk, ACCESS_TOKEN_ALGORITHM), createdAt: row.created_at };
    this.current = { key, loadedAt: Date.now() };
    return key;
  }

  /** Public keys that may still verify a live token: the JWKS document's `keys`. */
  async publicKeys(): Promise<JWK[]> {
    const rows: KeyRow[] = await this.dataSource.query(
      `SELECT public_jwk FROM signing_key
        WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
        ORDER BY created_at DESC`,
      [this.config.auth.accessTokenTtlSeconds + 60],
    );
    return rows.map((r) => r.public_jwk);
  }

  /** Identity verifies its own tokens against the same published keys as everyone else. */
  keySource(): KeySource {
    return async (header) => {
      const jwk = (await this.publicKeys()).find((k) => k.kid === header.kid);
      if (!jwk) throw new Error(`unknown kid ${header.kid}`);
      return importJWK(jwk, ACCESS_TOKEN_ALGORITHM);
    };
  }

  /** Publishes a new key now; it replaces the signing key after the publish-ahead delay. */
  async rotate(): Promise<string> {
    return this.withLock(async () => {
      const ahead = this.config.auth.keyPublishAheadSeconds;
      await this.dataSource.query(
        'UPDATE signing_key SET retired_at = now() + make_interval(secs => $1) WHERE retired_at IS NULL',
        [ahead],
      );
      const kid = await this.insertKey(ahead);
      this.current = undefined;
      this.log.log(`rotating signing key: ${kid} published, signs in ${ahead} s`);
      return kid;
    });
  }

  private async rotateIfDue() {
    const [pending] = await this.dataSource.query('SELECT 1 FROM signing_key WHERE activates_at > now()');
    const key = await this.signingKey();
    if (!pending && Date.now() - key.createdAt.getTime() >= this.config.auth.keyRotationHours * 3_600_000) await this.rotate();
  }

  private async insertKey(activateInSeconds: number): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
    await this.dataSource.query(
      'INSERT INTO signing_key (kid, private_jwk, public_jwk, activates_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))',
      [kid, { ...(await exportJWK(privateKey)), kid }, publicJwk, activateInSeconds],
    );
    return kid;
  }

  /** Serialises key changes across replicas (transaction-scoped advisory lock). */
  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('identity:signing-keys'))`);
      return fn();
    });
  }
}
