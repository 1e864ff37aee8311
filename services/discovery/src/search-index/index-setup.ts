import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from './index-names.js';

export interface IndexLayout {
  shards: number;
  replicas: number;
}

// Only what a bare node has (no analysis-common, mapper-extras, painless): standard analyzer,
// keyword, geo_point, numbers, dates. `dynamic: strict` refuses a field nobody declared.
const notSearched = { type: 'keyword', index: false, doc_values: false } as const;
const position = { type: 'object', enabled: false } as const;

export const BROADCAST_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    broadcast_id: { type: 'keyword' },
    owner_id: { type: 'keyword' },
    handle: { type: 'keyword' },
    display_name: { type: 'text' },
    title: { type: 'text' },
    topics: { type: 'keyword' },
    language: { type: 'keyword' },
    location: { type: 'geo_point' },
    location_precision: { type: 'keyword' },
    visibility: { type: 'keyword' },
    circle_id: { type: 'keyword' },
    state: { type: 'keyword' },
    viewers_now: { type: 'integer' },
    viewers_peak: { type: 'integer' },
    hearts_total: { type: 'long' },
    heart_velocity: { type: 'float' },
    stats_at: { type: 'date' },
    started_at: { type: 'date' },
    ended_at: { type: 'date' },
    replay_expires_at: { type: 'date' },
    gone_at: { type: 'date' },
    lifecycle_position: position,
    stats_position: position,
  },
} as const;

export const ACCOUNT_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    account_id: { type: 'keyword' },
    handle: { type: 'keyword' },
    display_name: notSearched,
    // Read by terms lookups only (their _source), never searched themselves.
    following: notSearched,
    blocked_by: notSearched,
    blocking: notSearched,
  },
} as const;

const settings = (layout: IndexLayout) => ({
  number_of_shards: layout.shards,
  number_of_replicas: layout.replicas,
  // A go-live must be searchable within 1.5 s; lifecycle writes also refresh on their own.
  refresh_interval: '1s',
  // Terms lookups read `following` (an account follows at most this many in a query).
  max_terms_count: 65_536,
});

/** A new, empty broadcasts generation named `name`, optionally behind `aliases`. */
export async function createBroadcastGeneration(es: Client, name: string, layout: IndexLayout, aliases: string[] = []): Promise<void> {
  await es.indices.create({
    index: name,
    settings: settings(layout),
    mappings: BROADCAST_MAPPINGS,
    aliases: Object.fromEntries(aliases.map((a) => [a, {}])),
  });
}

/**
 * Makes sure the accounts index and the broadcasts alias exist. Pods booting together race
 * for it: the first generation has a fixed name, so only one creation succeeds and the alias
 * never ends up over two indices.
 */
export async function ensureIndices(es: Client, names: IndexNames, layout: IndexLayout): Promise<void> {
  await createIfMissing(() => es.indices.create({ index: names.accounts, settings: settings(layout), mappings: ACCOUNT_MAPPINGS }));
  if (await es.indices.existsAlias({ name: names.broadcasts })) return;
  await createIfMissing(() => createBroadcastGeneration(es, `${names.generationPrefix}0`, layout, [names.broadcasts]));
}

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    const type = (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
    if (type !== 'resource_already_exists_exception') throw err;
  }
}

/** The generation the alias is over now. */
export async function currentGeneration(es: Client, alias: string): Promise<string> {
  const found = await es.indices.getAlias({ name: alias });
  const indices = Object.keys(found);
  if (indices.length !== 1) throw new Error(`${alias} is over ${indices.length} indices: ${indices.join(', ')}`);
  return indices[0];
}
