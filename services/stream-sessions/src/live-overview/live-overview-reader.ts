import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { findBroadcast, type BroadcastId, type BroadcastRow } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import type { TreeNodeRow } from './broadcast-overview.js';

/** An SFU node silent this long has left the fleet: operators are not shown it at all. */
const GONE_AFTER = "interval '10 minutes'";

export interface SfuNodeRow {
  node_id: string;
  consumers: number;
  consumer_capacity: number;
  cpu_percent: number;
  reported_at: Date;
  draining: boolean;
  stale: boolean;
  broadcasts: number;
  viewers: number;
}

/**
 * Reads operators' live overview from stream-sessions' own tables: live broadcasts, their relay
 * trees with each node's audience, and the nodes' load. Freshness follows placement's rules
 * (SFU_NODE_STALE_SECONDS) and the stats' (AUDIENCE_STALE_SECONDS), so operators see what
 * admission sees.
 */
@Injectable()
export class LiveOverviewReader {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  /** The most watched live broadcasts (of `ids` only, when given). */
  liveBroadcasts(limit: number, ids: string[]): Promise<BroadcastRow[]> {
    return this.dataSource.query(
      `SELECT * FROM broadcast
        WHERE state = 'live' ${ids.length ? 'AND id = ANY($2::uuid[])' : ''}
        ORDER BY viewers_now DESC, started_at, id
        LIMIT $1`,
      ids.length ? [limit, ids] : [limit],
    );
  }

  broadcast(id: BroadcastId): Promise<BroadcastRow | undefined> {
    return findBroadcast(this.dataSource, id);
  }

  /**
   * The relay trees of the broadcasts: each origin (depth 0) and the nodes relaying from it,
   * by depth then node id, with each node's recent audience.
   */
  trees(broadcasts: BroadcastRow[]): Promise<TreeNodeRow[]> {
    const live = broadcasts.filter((b) => b.state === 'live' && b.sfu_node_id);
    if (!live.length) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT t.broadcast_id, t.node_id, t.parent_node_id, t.depth, coalesce(a.viewers, 0)::int AS viewers
         FROM (SELECT o.id AS broadcast_id, o.node_id, NULL::text AS parent_node_id, 0 AS depth
                 FROM unnest($1::uuid[], $2::text[]) AS o(id, node_id)
               UNION ALL
               SELECT e.broadcast_id, e.node_id, e.parent_node_id, e.depth
                 FROM relay_edge e JOIN unnest($1::uuid[], $2::text[]) AS o(id, node_id) ON o.id = e.broadcast_id
                WHERE e.node_id <> o.node_id) t
         LEFT JOIN broadcast_audience a
           ON a.broadcast_id = t.broadcast_id AND a.node_id = t.node_id AND a.received_at > now() - make_interval(secs => $3)
        ORDER BY t.broadcast_id, t.depth, t.node_id`,
      [live.map((b) => b.id), live.map((b) => b.sfu_node_id), this.config.stats.audienceStaleSeconds],
    );
  }

  /** The nodes that reported in the last ten minutes, with the live broadcasts and viewers each carries. */
  sfuNodes(limit: number): Promise<SfuNodeRow[]> {
    return this.dataSource.query(
      `WITH live AS (SELECT id, sfu_node_id FROM broadcast WHERE state = 'live'),
            carried AS (SELECT sfu_node_id AS node_id, id AS broadcast_id FROM live WHERE sfu_node_id IS NOT NULL
                        UNION
                        SELECT e.node_id, e.broadcast_id FROM relay_edge e JOIN live ON live.id = e.broadcast_id),
            counts AS (SELECT node_id, count(*)::int AS broadcasts FROM carried GROUP BY node_id),
            watching AS (SELECT a.node_id, sum(a.viewers)::int AS viewers
                           FROM broadcast_audience a JOIN live ON live.id = a.broadcast_id
                          WHERE a.received_at > now() - make_interval(secs => $2)
                          GROUP BY a.node_id)
       SELECT n.node_id, n.consumers, n.consumer_capacity, n.cpu_percent, n.reported_at, n.draining,
              n.received_at <= now() - make_interval(secs => $1) AS stale,
              coalesce(c.broadcasts, 0) AS broadcasts, coalesce(w.viewers, 0) AS viewers
         FROM sfu_node n LEFT JOIN counts c USING (node_id) LEFT JOIN watching w USING (node_id)
        WHERE n.received_at > now() - ${GONE_AFTER}
        ORDER BY n.node_id
        LIMIT $3`,
      [this.config.sfu.nodeStaleSeconds, this.config.stats.audienceStaleSeconds, limit],
    );
  }
}
