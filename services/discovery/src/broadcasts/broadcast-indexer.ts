import type { Client } from '@elastic/elasticsearch';
import { BroadcastStatsUpdatedEvent } from '@onair/contracts';
import type { AccountProfiles } from '../accounts/account-profiles.js';
import type { IndexNames } from '../search-index/index-names.js';
import { readModifyWrite, type Change } from '../search-index/read-modify-write.js';
import { applyLifecycle, applyStats, type BroadcastDocument, type PositionedEvent } from './broadcast-document.js';

/** A lifecycle or stats event of one broadcast. */
export type BroadcastEvent = PositionedEvent & { broadcastId: string };

/**
 * Writes broadcasts into the index: events folded onto each document in log order, one read and
 * one bulk write per batch (viewer counts arrive as batched partial updates, never a request per
 * event), owner names from the accounts index. Every write is a read-modify-write guarded by
 * the document's sequence number and its last applied log position, so a batch applied twice,
 * or by a reindex catching up at the same time, changes nothing more.
 */
export class BroadcastIndexer {
  constructor(
    private readonly es: Client,
    private readonly names: IndexNames,
    private readonly profiles: AccountProfiles,
  ) {}

  /** Applies events, in the order given per broadcast, through the alias or into `target`. */
  async apply(events: BroadcastEvent[], target = this.names.broadcasts): Promise<void> {
    const byBroadcast = new Map<string, BroadcastEvent[]>();
    for (const e of events) byBroadcast.set(e.broadcastId, [...(byBroadcast.get(e.broadcastId) ?? []), e]);
    if (byBroadcast.size === 0) return;
    const written = new Map<string, BroadcastDocument>();
    await readModifyWrite<BroadcastDocument>({
      es: this.es,
      index: target,
      ids: [...byBroadcast.keys()],
      // Lifecycle changes must be searchable at once (a go-live within 1.5 s); stats can wait for the refresh.
      refresh: events.some((e) => e.descriptor !== BroadcastStatsUpdatedEvent),
      plan: async (current) => {
        const changes = new Map<string, Change<BroadcastDocument>>();
        for (const [id, list] of byBroadcast) {
          const before = current.get(id);
          let doc = before;
          for (const e of list) doc = e.descriptor === BroadcastStatsUpdatedEvent ? applyStats(doc, e) : applyLifecycle(doc, e);
          if (doc && doc !== before) changes.set(id, { put: doc });
        }
        await this.withOwnerNames(changes);
        for (const [id, change] of changes) if (change && 'put' in change) written.set(id, change.put);
        return changes;
      },
    });
    await this.recheckNames(written, target);
  }

  /**
   * Writes documents built from stream-sessions' source of truth into a generation nobody else
   * writes yet (a reindex), with the owners' current names.
   */
  async indexSnapshot(docs: BroadcastDocument[], target: string): Promise<void> {
    if (docs.length === 0) return;
    await this.withOwnerNames(new Map(docs.map((d) => [d.broadcast_id, { put: d }])));
    const result = await this.es.bulk({ operations: docs.flatMap((d) => [{ index: { _index: target, _id: d.broadcast_id } }, d]) });
    const failed = result.items.find((i) => i.index?.error);
    if (failed) throw new Error(`${target}/${failed.index!._id}: ${failed.index!.error!.type}: ${failed.index!.error!.reason}`);
  }

  /** Puts the owner's current handle and display name on the documents that show them. */
  private async withOwnerNames(changes: Map<string, Change<BroadcastDocument>>): Promise<void> {
    const docs = [...changes.values()].flatMap((c) => (c && 'put' in c && c.put.state !== 'gone' ? [c.put] : []));
    const profiles = await this.profiles.get(docs.map((d) => d.owner_id));
    for (const d of docs) {
      const p = profiles.get(d.owner_id);
      d.handle = p?.handle ?? d.handle ?? null;
      d.display_name = p?.displayName ?? d.display_name ?? null;
    }
  }

  /**
   * A rename that raced with this write (its search of the owner's broadcasts ran before this
   * document was searchable) is caught here: the account document is read in real time after
   * the write, and documents written with older names are corrected.
   */
  private async recheckNames(written: Map<string, BroadcastDocument>, target: string): Promise<void> {
    const live = [...written.values()].filter((d) => d.state !== 'gone');
    if (live.length === 0) return;
    const profiles = await this.profiles.get(live.map((d) => d.owner_id));
    const stale = live.filter((d) => {
      const p = profiles.get(d.owner_id);
      return p && (p.handle !== d.handle || p.displayName !== d.display_name);
    });
    if (stale.length > 0) await this.setNames(stale.map((d) => d.broadcast_id), target);
  }

  /** After a rename: every document of the owner that still shows something gets the new names. */
  async renameOwner(ownerId: string): Promise<void> {
    const ids = await this.idsOf({ bool: { filter: [{ term: { owner_id: ownerId } }], must_not: [{ term: { state: 'gone' } }] } });
    await this.setNames(ids, this.names.broadcasts);
  }

  private async setNames(ids: string[], target: string): Promise<void> {
    if (ids.length === 0) return;
    await readModifyWrite<BroadcastDocument>({
      es: this.es,
      index: target,
      ids,
      plan: async (current) => {
        const docs = [...current.values()].filter((d): d is BroadcastDocument => !!d && d.state !== 'gone');
        const profiles = await this.profiles.get(docs.map((d) => d.owner_id));
        const changes = new Map<string, Change<BroadcastDocument>>();
        for (const d of docs) {
          const p = profiles.get(d.owner_id);
          if (p && (p.handle !== d.handle || p.displayName !== d.display_name)) changes.set(d.broadcast_id, { put: { ...d, handle: p.handle, display_name: p.displayName } });
        }
        return changes;
      },
    });
  }

  /** The account is gone: so is every document of its broadcasts. */
  async removeOwner(ownerId: string): Promise<void> {
    const ids = await this.idsOf({ term: { owner_id: ownerId } });
    if (ids.length === 0) return;
    await readModifyWrite<BroadcastDocument>({ es: this.es, index: this.names.broadcasts, ids, refresh: true, plan: (current) => new Map([...current.keys()].map((id) => [id, { delete: true as const }])) });
  }

  /**
   * Deletes what no query shows any more and no late event needs: tombstones after
   * `goneMs`, and ended broadcasts whose replay never came after `endedMs`.
   */
  async purgeStale(now: Date, retention: { endedMs: number; goneMs: number }): Promise<number> {
    const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const ids = await this.idsOf(
      {
        bool: {
          should: [
            { bool: { filter: [{ term: { state: 'gone' } }, { range: { gone_at: { lt: before(retention.goneMs) } } }] } },
            { bool: { filter: [{ term: { state: 'ended' } }, { range: { ended_at: { lt: before(retention.endedMs) } } }] } },
          ],
          minimum_should_match: 1,
        },
      },
      1000,
    );
    if (ids.length === 0) return 0;
    await readModifyWrite<BroadcastDocument>({
      es: this.es,
      index: this.names.broadcasts,
      ids,
      // Read again: an event may have changed a document since the search.
      plan: (current) =>
        new Map(
          [...current].map(([id, d]) => {
            const stale = d && ((d.state === 'gone' && (d.gone_at ?? '') < before(retention.goneMs)) || (d.state === 'ended' && (d.ended_at ?? '') < before(retention.endedMs)));
            return [id, stale ? { delete: true as const } : undefined];
          }),
        ),
    });
    return ids.length;
  }

  private async idsOf(query: object, size = 10_000): Promise<string[]> {
    const found = await this.es.search({ index: this.names.broadcasts, query, size, _source: false, sort: ['_doc'] });
    return found.hits.hits.map((h) => h._id!);
  }
}
