import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountSuspendedEvent, AccountSuspendedSchema, AccountSuspensionLiftedEvent, AccountSuspensionLiftedSchema } from '@onair/contracts';
import type { DataSource } from 'typeorm';
import { SuspendedAccounts } from './suspended-accounts.js';

const ACCOUNT = '6f1c9a52-3d0e-4c1b-9a57-0b3f6a1e2d44';
const suspended = (suspensionId: string, suspendedAt: Date, until?: Date) =>
  create(AccountSuspendedSchema, {
    accountId: ACCOUNT,
    suspensionId,
    suspendedAt: timestampFromDate(suspendedAt),
    ...(until ? { until: timestampFromDate(until) } : {}),
  });
const lifted = (suspensionId: string) => create(AccountSuspensionLiftedSchema, { accountId: ACCOUNT, suspensionId });
const mayWrite = (s: SuspendedAccounts) => {
  try {
    s.assertMayWrite(ACCOUNT);
    return true;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

// What a pod decides from ops' events alone (the frames it refuses, the sockets it closes).
describe('SuspendedAccounts', () => {
  const now = Date.now();
  const fresh = () => new SuspendedAccounts(undefined as unknown as DataSource);

  it('refuses a suspended account until its suspension is lifted', () => {
    const s = fresh();
    expect(s.apply(AccountSuspendedEvent, suspended('s1', new Date(now)))).toMatchObject({ accountId: ACCOUNT, error: { code: 'CHAT.ACCOUNT_SUSPENDED' } });
    expect(mayWrite(s)).toBe('CHAT.ACCOUNT_SUSPENDED');
    s.apply(AccountSuspensionLiftedEvent, lifted('s1'));
    expect(mayWrite(s)).toBe(true);
  });

  it('keeps the newest suspension: an older one or a lifting of one replaced changes nothing', () => {
    const s = fresh();
    s.apply(AccountSuspendedEvent, suspended('s2', new Date(now)));
    expect(s.apply(AccountSuspendedEvent, suspended('s1', new Date(now - 1000)))).toBeUndefined();
    s.apply(AccountSuspensionLiftedEvent, lifted('s1'));
    expect(mayWrite(s)).toBe('CHAT.ACCOUNT_SUSPENDED');
    // The same suspension again, after its lifting, does not suspend anew.
    s.apply(AccountSuspensionLiftedEvent, lifted('s2'));
    expect(s.apply(AccountSuspendedEvent, suspended('s2', new Date(now)))).toBeUndefined();
    expect(mayWrite(s)).toBe(true);
  });

  it('ends a timed suspension at its `until`, and closes nothing for one already over', () => {
    const s = fresh();
    expect(s.apply(AccountSuspendedEvent, suspended('s1', new Date(now - 5000), new Date(now - 1000)))).toBeUndefined();
    expect(mayWrite(s)).toBe(true);
    s.apply(AccountSuspendedEvent, suspended('s2', new Date(now), new Date(now + 60_000)));
    expect(mayWrite(s)).toBe('CHAT.ACCOUNT_SUSPENDED');
  });
});
