import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import { AccountCreatedEvent, AccountCreatedSchema, AccountDeletedEvent, AccountDeletedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { Account } from './account.entity.js';
import { PasswordAttempts } from '../passwords/password-attempts.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { assertPasswordAcceptable } from '../passwords/password-policy.js';
import { AvatarStore } from '../profiles/avatar-store.js';
import { assertNotLastAdmin } from '../roles/last-admin.js';
import { InvalidCredentialsError } from '../sessions/session.errors.js';
import { SessionRevocations, SessionsRevokedReason } from '../sessions/session-revocations.js';
import { EmailTakenError, HandleTakenError } from './account.errors.js';
import type { CreateAccountBody } from './create-account.body.js';

@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly hasher: PasswordHasher,
    private readonly passwords: PasswordAttempts,
    private readonly avatars: AvatarStore,
    private readonly revocations: SessionRevocations,
  ) {}

  /** The account row and its `account.created.v1` event commit together or not at all. */
  async create(body: CreateAccountBody): Promise<Account> {
    assertPasswordAcceptable(body.password);
    const passwordHash = await this.hasher.hash(body.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const account = manager.create(Account, {
          id: randomUUID(),
          handle: body.handle,
          email: body.email,
          displayName: body.displayName ?? body.handle,
          passwordHash,
          bio: '',
          createdAt: new Date(),
        });
        await manager.insert(Account, account);
        await this.outbox.add(
          manager,
          AccountCreatedEvent,
          create(AccountCreatedSchema, {
            accountId: account.id,
            handle: account.handle,
            displayName: account.displayName,
            createdAt: timestampFromDate(account.createdAt),
          }),
        );
        return account;
      });
    } catch (err) {
      throw this.uniqueViolation(err, body) ?? err;
    }
  }

  /**
   * Deletes the account (sessions and tokens go with it by cascade) and publishes
   * `account.deleted.v1` in the same transaction; other services purge on that event. The last
   * admin's account stays (IDENTITY.LAST_ADMIN): the platform is never left without one.
   */
  async delete(accountId: string, password: string, ip: string): Promise<void> {
    const account = await this.dataSource.getRepository(Account).findOneBy({ id: accountId });
    // The same limits as sign-in: a stolen access token must not become a password oracle.
    if (!account || !(await this.passwords.check({ accountId }, ip, password, account.passwordHash))) throw new InvalidCredentialsError();
    await this.dataSource.transaction(async (manager) => {
      await assertNotLastAdmin(manager, accountId);
      // The sessions go with the account (cascade); their access tokens must stop working too.
      const sessions: Array<{ id: string }> = await manager.query('SELECT id FROM session WHERE account_id = $1 AND revoked_at IS NULL', [accountId]);
      await manager.delete(Account, { id: accountId });
      await this.revocations.announce(manager, accountId, sessions.map((s) => s.id), SessionsRevokedReason.ACCOUNT_DELETED);
      await this.outbox.add(manager, AccountDeletedEvent, create(AccountDeletedSchema, { accountId, deletedAt: timestampFromDate(new Date()) }));
    });
    await this.avatars.remove(accountId);
  }

  private uniqueViolation(err: unknown, body: CreateAccountBody) {
    if (!(err instanceof QueryFailedError)) return undefined;
    const { code, constraint } = err.driverError as { code?: string; constraint?: string };
    if (code !== '23505') return undefined;
    if (constraint === 'account_handle_key') return new HandleTakenError(body.handle);
    if (constraint === 'account_email_key') return new EmailTakenError();
    return undefined;
  }
}
