import type { Client } from '@elastic/elasticsearch';
import { Logger } from '@nestjs/common';
import { BroadcastStatsUpdatedEvent } from '@onair/contracts';
import type { KafkaOptions } from '@onair/kafka';
import { randomBytes } from 'node:crypto';
import type { BroadcastIndexer } from '../broadcasts/broadcast-indexer.js';
import { LIFECYCLE_EVENTS, toBroadcastEvent } from '../broadcasts/broadcast-events.js';
import type { IndexNames } from '../search-index/index-names.js';
import { createBroadcastGeneration, currentGeneration, type IndexLayout } from '../search-index/index-setup.js';
import type { BroadcastDocument } from '../broadcasts/broadcast-document.js';
import { logEnds, readLogRange } from './log-range.js';

export interface ReindexOptions {
  es: Client;
  names: IndexNames;
  layout: IndexLayout;
  kafka: KafkaOptions;
  indexer: BroadcastIndexer;
  /** stream-sessions' discoverable broadcasts, page by page. */
  source: () => AsyncIterable<BroadcastDocument[]>;
  /** How long the old generation stays (read-only) after the swap, for writes already on their way. */
  graceMs: number;
  /** Discard the generation a crashed reindex left behind the building alias. */
  force?: boolean;
}

export interface ReindexReport {
  generation: string;
  previous: string;
  fromSource: number;
  caughtUp: number;
}

const EVENTS = [...LIFECYCLE_EVENTS, BroadcastStatsUpdatedEvent];

export class ReindexInProgressError extends Error {
  constructor(readonly index: string) {
    super(`a reindex is building ${index} (or one crashed): wait for it, or run again with --force to discard it`);
  }
}

/**
 * Rebuilds the broadcasts index from stream-sessions' source of truth with no downtime:
 *  1. a new generation, behind the `building` alias only;
 *  2. the log positions of the lifecycle and stats topics, then every discoverable broadcast
 *     from stream-sessions (anything that happened before the positions is in it);
 *  3. the events from those positions on, applied to the new generation (guarded by log
 *     positions, so what the source already showed changes nothing);
 *  4. one atomic alias swap: searches go from the old generation to the new, never to none;
 *  5. the events the live consumers wrote into the old generation meanwhile, once more;
 *  6. the old generation made read-only (a write still on its way fails and is retried through
 *     the alias), then deleted after `graceMs`.
 */
export async function reindex(o: ReindexOptions): Promise<ReindexReport> {
  const log = new Logger('Reindex');
  await discardOrphans(o);
  const previous = await currentGeneration(o.es, o.names.broadcasts);
  const generation = `${o.names.generationPrefix}${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`;
  await createBroadcastGeneration(o.es, generation, o.layout, [o.names.building]);
  log.log(`building ${generation} (replacing ${previous})`);

  const start = await logEnds(o.kafka, EVENTS);
  let fromSource = 0;
  for await (const page of o.source()) {
    await o.indexer.indexSnapshot(page, generation);
    fromSource += page.length;
  }
  const apply = (events: Parameters<typeof toBroadcastEvent>[0][]) => o.indexer.apply(events.map(toBroadcastEvent), generation);
  const beforeSwap = await logEnds(o.kafka, EVENTS);
  let caughtUp = await readLogRange({ kafka: o.kafka, events: EVENTS, from: start, to: beforeSwap, apply });

  await o.es.indices.refresh({ index: generation });
  await o.es.indices.updateAliases({
    actions: [{ remove: { index: previous, alias: o.names.broadcasts } }, { add: { index: generation, alias: o.names.broadcasts } }, { remove: { index: generation, alias: o.names.building } }],
  });
  log.log(`${o.names.broadcasts} now over ${generation}`);

  await o.es.indices.addBlock({ index: previous, block: 'write' });
  caughtUp += await readLogRange({ kafka: o.kafka, events: EVENTS, from: beforeSwap, to: await logEnds(o.kafka, EVENTS), apply });
  await new Promise((r) => setTimeout(r, o.graceMs));
  await o.es.indices.delete({ index: previous });
  await discardOrphans(o);
  log.log(`done: ${fromSource} broadcasts from stream-sessions, ${caughtUp} events caught up; ${previous} deleted`);
  return { generation, previous, fromSource, caughtUp };
}

/**
 * Generations behind neither alias: the remains of a reindex that crashed, or an index a write
 * to a deleted generation recreated (Elasticsearch creates indices on write). A generation
 * behind `building` belongs to a reindex in progress, unless `force`.
 */
async function discardOrphans(o: ReindexOptions): Promise<void> {
  const building = (await o.es.indices.existsAlias({ name: o.names.building })) ? Object.keys(await o.es.indices.getAlias({ name: o.names.building })) : [];
  if (building.length > 0 && !o.force) throw new ReindexInProgressError(building.join(', '));
  const live = await currentGeneration(o.es, o.names.broadcasts);
  const all = (await o.es.cat.indices({ index: `${o.names.generationPrefix}*`, format: 'json', h: 'index', expand_wildcards: 'all' })) as Array<{ index: string }>;
  const orphans = all.map((i) => i.index).filter((i) => i !== live);
  if (orphans.length > 0) await o.es.indices.delete({ index: orphans.join(',') });
}
