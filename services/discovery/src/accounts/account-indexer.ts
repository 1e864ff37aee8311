import type { Client } from '@elastic/elasticsearch';
import {
  AccountCreatedEvent,
  AccountDeletedEvent,
  AccountProfileUpdatedEvent,
  BlockCreatedEvent,
  BlockDeletedEvent,
  FollowCreatedEvent,
  FollowDeletedEvent,
  type AccountCreated,
  type AccountDeleted,
  type AccountProfileUpdated,
  type BlockCreated,
  type BlockDeleted,
  type FollowCreated,
  type FollowDeleted,
} from '@onair/contracts';
import type { BatchEvent } from '@onair/kafka';
import type { BroadcastIndexer } from '../broadcasts/broadcast-indexer.js';
import { readModifyWrite, type Change } from '../search-index/read-modify-write.js';
import { emptyAccount, withMember, type AccountDocument } from './account-document.js';

/** The events that change account documents. */
export const ACCOUNT_EVENTS = [
  AccountCreatedEvent,
  AccountProfileUpdatedEvent,
  AccountDeletedEvent,
  FollowCreatedEvent,
  FollowDeletedEvent,
  BlockCreatedEvent,
  BlockDeletedEvent,
];

type Mutation = (doc: AccountDocument | undefined, id: string) => AccountDocument | undefined;

const edit =
  (change: (doc: AccountDocument) => AccountDocument): Mutation =>
  (doc, id) =>
    change(doc ?? emptyAccount(id));

/**
 * Keeps the accounts index: profiles from identity, follows and blocks from social-graph. One
 * edge's events stay ordered (one key, one partition), and adding or removing a member of a
 * list twice is the same as once, so redelivery is harmless; documents touched from several
 * partitions at once are guarded by read-modify-write.
 */
export class AccountIndexer {
  constructor(
    private readonly es: Client,
    private readonly index: string,
    private readonly broadcasts: BroadcastIndexer,
  ) {}

  async apply(events: BatchEvent[]): Promise<void> {
    const mutations = new Map<string, Mutation[]>();
    const add = (id: string, m: Mutation) => mutations.set(id, [...(mutations.get(id) ?? []), m]);
    const renamed = new Set<string>();
    const deleted = new Set<string>();
    for (const { descriptor, message } of events) {
      if (descriptor === AccountCreatedEvent || descriptor === AccountProfileUpdatedEvent) {
        const m = message as AccountCreated | AccountProfileUpdated;
        add(m.accountId, edit((d) => ({ ...d, handle: m.handle, display_name: m.displayName })));
        renamed.add(m.accountId);
        deleted.delete(m.accountId);
      } else if (descriptor === AccountDeletedEvent) {
        const m = message as AccountDeleted;
        add(m.accountId, () => undefined);
        deleted.add(m.accountId);
        renamed.delete(m.accountId);
      } else if (descriptor === FollowCreatedEvent || descriptor === FollowDeletedEvent) {
        const m = message as FollowCreated | FollowDeleted;
        const present = descriptor === FollowCreatedEvent;
        add(m.followerId, edit((d) => ({ ...d, following: withMember(d.following, m.followeeId, present) })));
      } else if (descriptor === BlockCreatedEvent || descriptor === BlockDeletedEvent) {
        const m = message as BlockCreated | BlockDeleted;
        const present = descriptor === BlockCreatedEvent;
        add(m.blockerId, edit((d) => ({ ...d, blocking: withMember(d.blocking, m.blockedId, present) })));
        add(m.blockedId, edit((d) => ({ ...d, blocked_by: withMember(d.blocked_by, m.blockerId, present) })));
      }
    }
    if (mutations.size > 0) {
      await readModifyWrite<AccountDocument>({
        es: this.es,
        index: this.index,
        ids: [...mutations.keys()],
        // No refresh: queries read these lists by terms lookup, which is a realtime get.
        plan: (current) => {
          const changes = new Map<string, Change<AccountDocument>>();
          for (const [id, list] of mutations) {
            const before = current.get(id);
            const after = list.reduce<AccountDocument | undefined>((doc, m) => m(doc, id), before);
            if (JSON.stringify(after) === JSON.stringify(before)) continue;
            changes.set(id, after ? { put: after } : { delete: true });
          }
          return changes;
        },
      });
    }
    for (const id of deleted) await this.broadcasts.removeOwner(id);
    for (const id of renamed) await this.broadcasts.renameOwner(id);
  }
}
