import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

// A go-live delivery and a takedown of the same broadcast are serialised by one advisory lock
// per broadcast (deliveries share it, the takedown takes it alone): a delivery either commits
// before the takedown, which then deletes what it wrote, or sees the takedown and writes nothing.
const LOCK = 'SELECT %s(hashtextextended($1, 21))';

/** In a delivery's transaction: true when the broadcast was taken down (write nothing for it). */
export async function wasTakenDown(m: Queryable, broadcastId: string): Promise<boolean> {
  await m.query(LOCK.replace('%s', 'pg_advisory_xact_lock_shared'), [broadcastId]);
  const [row] = await m.query('SELECT 1 FROM taken_down_broadcast WHERE broadcast_id = $1', [broadcastId]);
  return Boolean(row);
}

/** In the takedown's transaction: waits out deliveries under way, then records the takedown. */
export async function recordTakedown(m: Queryable, broadcastId: string, at: Date): Promise<void> {
  await m.query(LOCK.replace('%s', 'pg_advisory_xact_lock'), [broadcastId]);
  await m.query('INSERT INTO taken_down_broadcast (broadcast_id, taken_down_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [broadcastId, at]);
}
