import type { DataSource } from 'typeorm';

/**
 * Puts `accountId` on the room's list of first commenters unless the list already holds
 * `limit` accounts. One room's additions take turns (an advisory lock), so the limit holds
 * across pods; answers whether the account is on the list now, and whether the list is full.
 */
export async function joinFirstCommenters(
  dataSource: DataSource,
  broadcastId: string,
  accountId: string,
  limit: number,
): Promise<{ listed: boolean; full: boolean }> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('chat-commenters:' || $1, 0))`, [broadcastId]);
    await manager.query(
      `INSERT INTO chat_commenter (broadcast_id, account_id)
       SELECT $1, $2 WHERE (SELECT count(*) FROM chat_commenter WHERE broadcast_id = $1) < $3
       ON CONFLICT DO NOTHING`,
      [broadcastId, accountId, limit],
    );
    const [row]: Array<{ listed: boolean; n: number }> = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM chat_commenter WHERE broadcast_id = $1 AND account_id = $2) AS listed,
              (SELECT count(*)::int FROM chat_commenter WHERE broadcast_id = $1) AS n`,
      [broadcastId, accountId],
    );
    return { listed: row.listed, full: row.n >= limit };
  });
}
