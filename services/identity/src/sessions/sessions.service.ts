import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';
import { PasswordAttempts } from '../passwords/password-attempts.js';
import { heldRoles } from '../roles/held-roles.js';
import { assertNotSuspended } from '../suspensions/account-suspension.js';
import { AccessTokens, type TokenPair } from './access-tokens.js';
import { SessionRevocations, SessionsRevokedReason } from './session-revocations.js';
import { InvalidCredentialsError, RefreshTokenInvalidError, RefreshTokenReusedError } from './session.errors.js';

const sha256 = (token: string) => createHash('sha256').update(token).digest();

/**
 * Sign-in sessions, one per device. Each holds a family of refresh tokens: every refresh
 * consumes the presented token and issues the next one. A consumed token presented again
 * means two parties hold the family, so the whole session is revoked.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordAttempts,
    private readonly tokens: AccessTokens,
    private readonly revocations: SessionRevocations,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async signIn(login: string, password: string, ip: string): Promise<TokenPair> {
    const [account] = await this.dataSource.query('SELECT id, handle, password_hash FROM account WHERE handle = $1 OR email = $1', [login]);
    // Runs the full hash even for an unknown login: both failures take the same time.
    const valid = await this.passwords.check(account ? { accountId: account.id } : { unknownLogin: login }, ip, password, account?.password_hash);
    if (!valid) throw new InvalidCredentialsError();
    const sessionId = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO session (id, account_id) VALUES ($1, $2)', [sessionId, account.id]);
      // After the insert, which waits on a suspension being applied: see assertNotSuspended.
      await assertNotSuspended(manager, account.id);
      return this.issuePair(manager, account, sessionId);
    });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = sha256(refreshToken);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `SELECT rt.session_id, rt.expires_at < now() AS expired, rt.used_at, s.revoked_at, a.id, a.handle
           FROM refresh_token rt JOIN session s ON s.id = rt.session_id JOIN account a ON a.id = s.account_id
          WHERE rt.token_hash = $1 FOR UPDATE OF rt, s`,
        [hash],
      );
      if (!row) return 'invalid' as const;
      // Before the other checks: a suspended account's tokens were revoked, and it is told why.
      await assertNotSuspended(manager, row.id);
      if (row.revoked_at || row.expired) return 'invalid' as const;
      if (row.used_at) {
        await this.revocations.revoke(manager, row.id, SessionsRevokedReason.REFRESH_TOKEN_REUSED, [row.session_id]);
        return 'reused' as const;
      }
      await manager.query('UPDATE refresh_token SET used_at = now() WHERE token_hash = $1', [hash]);
      return this.issuePair(manager, { id: row.id, handle: row.handle }, row.session_id);
    });
    // Thrown after the commit, so the revocation of a reused family sticks.
    if (outcome === 'invalid') throw new RefreshTokenInvalidError();
    if (outcome === 'reused') throw new RefreshTokenReusedError();
    return outcome;
  }

  /** Ends one session (this device); every service refuses its access tokens within seconds. */
  async signOut(accountId: string, sessionId: string): Promise<void> {
    await this.dataSource.transaction((manager) => this.revocations.revoke(manager, accountId, SessionsRevokedReason.SIGNED_OUT, [sessionId]));
  }

  /** Ends every session of the account (all devices). */
  async signOutEverywhere(accountId: string): Promise<void> {
    await this.dataSource.transaction((manager) => this.revocations.revoke(manager, accountId, SessionsRevokedReason.SIGNED_OUT_EVERYWHERE));
  }

  /** Runs after the session row is written or locked: see heldRoles for why. */
  private async issuePair(manager: EntityManager, account: { id: string; handle: string }, sessionId: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    const roles = await heldRoles(manager, account.id);
    await manager.query(
      `INSERT INTO refresh_token (token_hash, session_id, expires_at) VALUES ($1, $2, now() + make_interval(days => $3))`,
      [sha256(refreshToken), sessionId, this.config.auth.refreshTokenTtlDays],
    );
    return { accessToken: await this.tokens.issue({ ...account, roles }, sessionId), refreshToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds };
  }
}
