import { create } from '@bufbuild/protobuf';
import {
  AccountCreatedEvent,
  AccountCreatedSchema,
  AccountProfileUpdatedEvent,
  AccountProfileUpdatedSchema,
  AccountRole,
  AccountRoleGrantedEvent,
  AccountRoleGrantedSchema,
  AccountRoleRevokedEvent,
  BroadcastTakenDownEvent,
  BroadcastTakenDownSchema,
} from './index.js';

describe('event descriptors read from proto options', () => {
  it('names, topic and key of account.created.v1 come from the proto file', () => {
    expect(AccountCreatedEvent.name).toBe('account.created.v1');
    expect(AccountCreatedEvent.topic).toBe('identity.accounts.v1');
    const msg = create(AccountCreatedSchema, { accountId: 'acc-1', handle: 'ann' });
    expect(AccountCreatedEvent.key(msg)).toBe('acc-1');
  });

  it('account.profile_updated.v1 shares the accounts topic and key, so one account stays ordered', () => {
    expect(AccountProfileUpdatedEvent.name).toBe('account.profile_updated.v1');
    expect(AccountProfileUpdatedEvent.topic).toBe(AccountCreatedEvent.topic);
    expect(AccountProfileUpdatedEvent.key(create(AccountProfileUpdatedSchema, { accountId: 'acc-1', displayName: 'Ann' }))).toBe('acc-1');
  });

  it('role grants and revocations share the accounts topic and key: the audit trail of one account stays ordered', () => {
    expect([AccountRoleGrantedEvent.name, AccountRoleRevokedEvent.name]).toEqual(['account.role_granted.v1', 'account.role_revoked.v1']);
    expect(AccountRoleRevokedEvent.topic).toBe(AccountCreatedEvent.topic);
    expect(AccountRoleGrantedEvent.key(create(AccountRoleGrantedSchema, { accountId: 'acc-1', role: AccountRole.ADMIN }))).toBe('acc-1');
  });

  it('a takedown is keyed by the broadcast on ops.actions.v1', () => {
    expect(BroadcastTakenDownEvent.name).toBe('ops.broadcast_taken_down.v1');
    expect(BroadcastTakenDownEvent.topic).toBe('ops.actions.v1');
    expect(BroadcastTakenDownEvent.key(create(BroadcastTakenDownSchema, { broadcastId: 'b-1', actorAccountId: 'acc-1', reason: 'spam' }))).toBe('b-1');
  });
});
