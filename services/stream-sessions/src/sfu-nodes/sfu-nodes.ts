import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { NodeId } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';

export interface SfuNode {
  nodeId: NodeId;
  signallingUrl: string;
}

export interface NodeLoad extends SfuNode {
  consumers: number;
  consumerCapacity: number;
  cpuPercent: number;
  reportedAt: Date;
}

const fresh = (param: number) => `received_at > now() - make_interval(secs => $${param})`;

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

  /** Keeps the newest report per node (reports may arrive late or twice). */
  async record(manager: EntityManager, load: NodeLoad): Promise<void> {
    await manager.query(
      `INSERT INTO sfu_node (node_id, signalling_url, consumers, consumer_capacity, cpu_percent, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (node_id) DO UPDATE
          SET signalling_url = excluded.signalling_url, consumers = excluded.consumers,
              consumer_capacity = excluded.consumer_capacity, cpu_percent = excluded.cpu_percent,
              reported_at = excluded.reported_at, received_at = now()
        WHERE sfu_node.reported_at <= excluded.reported_at`,
      [load.nodeId, load.signallingUrl, load.consumers, load.consumerCapacity, load.cpuPercent, load.reportedAt],
    );
  }

  /** The node, if it reported recently. */
  async find(nodeId: NodeId): Promise<SfuNode | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT node_id, signalling_url FROM sfu_node WHERE node_id = $1 AND ${fresh(2)}`,
      [nodeId, this.config.sfu.nodeStaleSeconds],
    );
    return row && { nodeId: row.node_id, signallingUrl: row.signalling_url };
  }

  /** The recently reported node with the most spare consumer capacity, then the least CPU. */
  async leastLoaded(): Promise<SfuNode | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT node_id, signalling_url FROM sfu_node
        WHERE ${fresh(1)}
        ORDER BY consumers::float8 / greatest(consumer_capacity, 1), cpu_percent, node_id
        LIMIT 1`,
      [this.config.sfu.nodeStaleSeconds],
    );
    return row && { nodeId: row.node_id, signallingUrl: row.signalling_url };
  }
}
