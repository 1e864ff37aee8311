import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AccountSuspendedEvent, AccountSuspensionLiftedEvent, type AccountSuspended, type AccountSuspensionLifted, type EventDescriptor } from '@onair/contracts';
import type { DataSource } from 'typeorm';
import { AccountSuspendedChatError } from './suspension.errors.js';

/** ops' events every pod reads (RoomSignalsReader): a suspension closes the account's sockets wherever they are. */
export const SUSPENSION_EVENTS: EventDescriptor[] = [AccountSuspendedEvent, AccountSuspensionLiftedEvent];

/** Close code of a suspended account's sockets (PROTOCOL.md): 4000 + 403, as a refused join. */
export const SUSPENDED_CLOSE_CODE = 4403;

interface Known {
  suspensionId: string;
  suspendedAt: number;
  /** ms since the epoch; Infinity: for good. */
  until: number;
  lifted: boolean;
}

/**
 * The suspensions this pod has heard of since it started, for the checks a frame does not wait
 * on PostgreSQL for (a suspended account's messages and hearts are refused). A joining socket
 * also asks PostgreSQL (SuspensionsConsumer's table), which knows the suspensions from before
 * the pod started. The same rules as the table: the newest suspended_at wins, a lifting applies
 * to the current suspension only. Suspensions are rare: every account heard of stays in the
 * map, lifted or over, so a late copy of an older suspension is still known to be older.
 */
export class SuspendedAccounts {
  private readonly known = new Map<string, Known>();

  constructor(private readonly dataSource: DataSource) {}

  /** An ops event. A suspension newly in force is returned: its account's sockets close now. */
  apply(descriptor: EventDescriptor, message: unknown): { accountId: string; error: AccountSuspendedChatError } | undefined {
    if (descriptor === AccountSuspensionLiftedEvent) {
      const e = message as AccountSuspensionLifted;
      const current = this.known.get(e.accountId.toLowerCase());
      if (current?.suspensionId === e.suspensionId) current.lifted = true;
      return undefined;
    }
    const e = message as AccountSuspended;
    const accountId = e.accountId.toLowerCase();
    const suspendedAt = e.suspendedAt ? timestampDate(e.suspendedAt).getTime() : Date.now();
    const current = this.known.get(accountId);
    if (current && current.suspendedAt >= suspendedAt) return undefined;
    const until = e.until ? timestampDate(e.until).getTime() : Infinity;
    this.known.set(accountId, { suspensionId: e.suspensionId, suspendedAt, until, lifted: false });
    return until > Date.now() ? { accountId, error: new AccountSuspendedChatError(until) } : undefined;
  }

  /** Synchronous, from this pod's knowledge only: for every frame, and the last step of a join. */
  assertMayWrite(accountId: string): void {
    const s = this.known.get(accountId);
    if (s && !s.lifted && s.until > Date.now()) throw new AccountSuspendedChatError(s.until);
  }

  /** A socket joining: this pod's knowledge, then PostgreSQL's. */
  async assertMayJoin(accountId: string): Promise<void> {
    this.assertMayWrite(accountId);
    const [row]: Array<{ until: Date | null }> = await this.dataSource.query(
      'SELECT until FROM chat_account_suspension WHERE account_id = $1 AND lifted_at IS NULL AND (until IS NULL OR until > now())',
      [accountId],
    );
    if (row) throw new AccountSuspendedChatError(row.until ? row.until.getTime() : Infinity);
  }
}
