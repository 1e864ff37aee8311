import type { Client } from '@elastic/elasticsearch';

/** What to do with one document: write this version, delete it, or leave it (undefined). */
export type Change<T> = { put: T } | { delete: true } | undefined;

export interface ReadModifyWrite<T extends object> {
  es: Client;
  /** An alias or index to read through; each write goes to the index the document was read from. */
  index: string;
  ids: string[];
  /** Given the current documents (undefined: none), what to write. Called again for conflicts. */
  plan: (current: Map<string, T | undefined>) => Promise<Map<string, Change<T>>> | Map<string, Change<T>>;
  /** Refresh the written shards before returning (writes that must be searchable at once). */
  refresh?: boolean;
}

const MAX_ROUNDS = 10;

/**
 * Optimistic concurrency for documents several writers change (pods of one consumer group, a
 * reindex catching up, other topics' consumers): read with their sequence numbers, compute, and
 * write only if nobody wrote in between (if_seq_no / create); the documents that lost are read
 * again and recomputed. No scripts: the same requests work on any cluster. A write to a
 * generation that a reindex has just made read-only is retried too: it is read again through
 * the alias, from the new generation.
 */
export async function readModifyWrite<T extends object>(job: ReadModifyWrite<T>): Promise<void> {
  let pending = [...new Set(job.ids)];
  for (let round = 1; pending.length > 0; round++) {
    if (round > MAX_ROUNDS) throw new Error(`${job.index}: ${pending.length} documents still conflicting after ${MAX_ROUNDS} rounds`);
    const read = await job.es.mget<T>({ index: job.index, ids: pending, realtime: true });
    const current = new Map<string, T | undefined>();
    const meta = new Map<string, { index: string; seqNo?: number; primaryTerm?: number }>();
    for (const d of read.docs) {
      if ('error' in d) throw new Error(`${job.index}/${d._id}: ${JSON.stringify(d.error)}`);
      current.set(d._id, d.found ? d._source : undefined);
      meta.set(d._id, { index: d._index, seqNo: d.found ? d._seq_no : undefined, primaryTerm: d.found ? d._primary_term : undefined });
    }
    const changes = await job.plan(current);
    const operations: object[] = [];
    const written: string[] = [];
    for (const [id, change] of changes) {
      const m = meta.get(id);
      if (!change || !m) continue;
      const found = m.seqNo !== undefined;
      const guard = found ? { if_seq_no: m.seqNo, if_primary_term: m.primaryTerm } : {};
      if ('delete' in change) {
        if (!found) continue;
        operations.push({ delete: { _index: m.index, _id: id, ...guard } });
      } else {
        operations.push(found ? { index: { _index: m.index, _id: id, ...guard } } : { create: { _index: m.index, _id: id } }, change.put);
      }
      written.push(id);
    }
    if (operations.length === 0) return;
    const result = await job.es.bulk({ operations, refresh: job.refresh ? true : false });
    if (!result.errors) return;
    pending = [];
    result.items.forEach((item, i) => {
      const outcome = Object.values(item)[0]!;
      if (!outcome.error) return;
      // 409: someone wrote first; 403 write block: the generation was retired under us.
      if (outcome.status === 409 || outcome.error.type === 'cluster_block_exception') pending.push(written[i]);
      else if (!(outcome.status === 404 && 'delete' in item)) throw new Error(`${job.index}/${written[i]}: ${outcome.error.type}: ${outcome.error.reason}`);
    });
  }
}
