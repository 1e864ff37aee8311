import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { NodeId } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';

export interface SfuNode {
  nodeId: NodeId;
  signallingUrl: string;
}

export interface NodeLoad extends SfuNode {
  /** Where other nodes relay from this one; empty if it cannot be relayed from. */
  relayUrl: string;
  consumers: number;
  consumerCapacity: number;
  cpuPercent: number;
  /** Shutting down: it takes nobody new, but still relays the broadcasts it hosts. */
  draining: boolean;
  reportedAt: Date;
}

const fresh = (param: number, table = 'sfu_node') => `${table}.received_at > now() - make_interval(secs => $${param})`;
/** Fresh and not draining: a node that takes new publishers and viewers. */
const admitting = (param: number, table = 'sfu_node') => `${fresh(param, table)} AND NOT ${table}.draining`;
const BY_SPARE_CAPACITY = 'consumers::float8 / greatest(consumer_capacity, 1), cpu_percent, node_id';

/**
 * The SFU nodes as their NodeLoadReported events describe them. A node that has not reported
 * for SFU_NODE_STALE_SECONDS is treated as gone: it gets no ticket.
 */
@Injectable()
export class SfuNodes {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  /** Keeps the newest report per node (reports may arrive late or twice); whether this one was. */
  async record(manager: EntityManager, load: NodeLoad): Promise<boolean> {
    const stored: unknown[] = await manager.query(
      `INSERT INTO sfu_node (node_id, signalling_url, relay_url, consumers, consumer_capacity, cpu_percent, draining, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (node_id) DO UPDATE
          SET signalling_url = excluded.signalling_url, relay_url = excluded.relay_url, consumers = excluded.consumers,
              consumer_capacity = excluded.consumer_capacity, cpu_percent = excluded.cpu_percent,
              draining = excluded.draining, reported_at = excluded.reported_at, received_at = now()
        WHERE sfu_node.reported_at <= excluded.reported_at
       RETURNING 1`,
      [load.nodeId, load.signallingUrl, load.relayUrl, load.consumers, load.consumerCapacity, load.cpuPercent, load.draining, load.reportedAt],
    );
    return stored.length > 0;
  }

  /** The node, if it reported recently and is not draining (a publisher rejoining goes elsewhere then). */
  async find(nodeId: NodeId): Promise<SfuNode | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT node_id, signalling_url FROM sfu_node WHERE node_id = $1 AND ${admitting(2)}`,
      [nodeId, this.config.sfu.nodeStaleSeconds],
    );
    return row && { nodeId: row.node_id, signallingUrl: row.signalling_url };
  }

  /** The admitting node with the most spare consumer capacity, then the least CPU; none of `avoid`. */
  async leastLoaded(avoid: ReadonlySet<string> = new Set()): Promise<SfuNode | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT node_id, signalling_url FROM sfu_node WHERE ${admitting(1)} AND NOT (node_id = ANY($2::text[])) ORDER BY ${BY_SPARE_CAPACITY} LIMIT 1`,
      [this.config.sfu.nodeStaleSeconds, [...avoid]],
    );
    return row && { nodeId: row.node_id, signallingUrl: row.signalling_url };
  }
}
