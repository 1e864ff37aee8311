import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import { AccountProfileUpdatedEvent, AccountProfileUpdatedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { DataSource } from 'typeorm';
import { Account } from '../accounts/account.entity.js';
import type { UpdateProfileBody } from './profile.bodies.js';

/** The fields of `body` whose value differs from what is stored. */
function changedFields(account: Account, body: UpdateProfileBody): UpdateProfileBody {
  const changes: UpdateProfileBody = {};
  if (body.displayName !== undefined && body.displayName !== account.displayName) changes.displayName = body.displayName;
  if (body.bio !== undefined && body.bio !== account.bio) changes.bio = body.bio;
  return changes;
}

/**
 * Edits of the owner's public profile. A new display name (what other services show of an
 * account) commits together with its account.profile_updated.v1 or not at all. The row is
 * locked first, so two concurrent edits compare against each other's result and their events
 * reach the outbox in commit order.
 */
@Injectable()
export class ProfilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** The account as it is after the edit; undefined when it no longer exists. */
  async update(accountId: string, body: UpdateProfileBody): Promise<Account | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const account = await manager.findOne(Account, { where: { id: accountId }, lock: { mode: 'pessimistic_write' } });
      if (!account) return undefined;
      const changes = changedFields(account, body);
      // Nothing differs: no write and no event, so consumers never see a change that is none.
      if (Object.keys(changes).length === 0) return account;
      await manager.update(Account, { id: accountId }, changes);
      Object.assign(account, changes);
      if (changes.displayName !== undefined) {
        await this.outbox.add(
          manager,
          AccountProfileUpdatedEvent,
          create(AccountProfileUpdatedSchema, {
            accountId,
            handle: account.handle,
            displayName: account.displayName,
            updatedAt: timestampFromDate(new Date()),
          }),
        );
      }
      return account;
    });
  }
}
