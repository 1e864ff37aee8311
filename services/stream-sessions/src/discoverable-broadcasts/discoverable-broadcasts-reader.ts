import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { DISCOVERABLE_STATES } from './discoverable-broadcast.js';

/**
 * Live broadcasts, and those over whose replay lifetime is not (once they were live). The
 * state list is broadcast_discoverable_idx's predicate word for word, so every page is a range
 * scan of that partial index: the expired broadcasts, which pile up forever, are never read.
 * Replay lifetimes are compared with now() rather than trusting the expiry sweeper to have run.
 */
const DISCOVERABLE = `state IN (${DISCOVERABLE_STATES.map((s) => `'${s}'`).join(', ')})
  AND started_at IS NOT NULL
  AND (state = 'live' OR replay_expires_at > now())`;

/**
 * Reads every discoverable broadcast in id order, one keyset query per page: page 200 costs
 * what page 1 costs, and no transaction spans the pages, so a slow reader holds no snapshot
 * and no connection between them.
 */
@Injectable()
export class DiscoverableBroadcastsReader {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Yields pages of `pageSize` rows (the last one shorter, never empty). The next page is
   * already being read while the caller sends the current one.
   */
  async *pages(pageSize: number): AsyncGenerator<BroadcastRow[]> {
    let next = this.page(undefined, pageSize);
    for (;;) {
      const rows = await next;
      if (rows.length < pageSize) {
        if (rows.length > 0) yield rows;
        return;
      }
      next = this.page(rows[rows.length - 1].id, pageSize);
      // If the caller stops early, nobody awaits the read-ahead: its failure must not surface.
      next.catch(() => undefined);
      yield rows;
    }
  }

  private page(after: string | undefined, pageSize: number): Promise<BroadcastRow[]> {
    return this.dataSource.query(
      `SELECT * FROM broadcast
        WHERE ${DISCOVERABLE} ${after ? 'AND id > $2' : ''}
        ORDER BY id
        LIMIT $1`,
      after ? [pageSize, after] : [pageSize],
    );
  }
}
