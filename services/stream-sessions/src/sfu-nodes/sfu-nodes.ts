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

/** Where a viewer connects, and the origin that node pulls the broadcast from when it is not the origin. */
export interface ViewerPlacement {
  node: SfuNode;
  relayFrom?: { nodeId: NodeId; relayUrl: string };
}

const fresh = (param: number, table = 'sfu_node') => `${table}.received_at > now() - make_interval(secs => $${param})`;
/** Fresh and not draining: a node that takes new publishers and viewers. */
const admitting = (param: number, table = 'sfu_node') => `${fresh(param, table)} AND NOT ${table}.draining`;
const hasRoom = (param: number, table = 'sfu_node') => `${table}.consumers < ${table}.consumer_capacity * $${param}::float8`;
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

  /** Keeps the newest report per node (reports may arrive late or twice). */
  async record(manager: EntityManager, load: NodeLoad): Promise<void> {
    await manager.query(
      `INSERT INTO sfu_node (node_id, signalling_url, relay_url, consumers, consumer_capacity, cpu_percent, draining, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (node_id) DO UPDATE
          SET signalling_url = excluded.signalling_url, relay_url = excluded.relay_url, consumers = excluded.consumers,
              consumer_capacity = excluded.consumer_capacity, cpu_percent = excluded.cpu_percent,
              draining = excluded.draining, reported_at = excluded.reported_at, received_at = now()
        WHERE sfu_node.reported_at <= excluded.reported_at`,
      [load.nodeId, load.signallingUrl, load.relayUrl, load.consumers, load.consumerCapacity, load.cpuPercent, load.draining, load.reportedAt],
    );
  }

  /** The node, if it reported recently and is not draining (a publisher rejoining goes elsewhere then). */
  async find(nodeId: NodeId): Promise<SfuNode | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT node_id, signalling_url FROM sfu_node WHERE node_id = $1 AND ${admitting(2)}`,
      [nodeId, this.config.sfu.nodeStaleSeconds],
    );
    return row && { nodeId: row.node_id, signallingUrl: row.signalling_url };
  }

  /** The admitting node with the most spare consumer capacity, then the least CPU. */
  async leastLoaded(): Promise<SfuNode | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT node_id, signalling_url FROM sfu_node WHERE ${admitting(1)} ORDER BY ${BY_SPARE_CAPACITY} LIMIT 1`,
      [this.config.sfu.nodeStaleSeconds],
    );
    return row && { nodeId: row.node_id, signallingUrl: row.signalling_url };
  }

  /**
   * The origin while it has room and is not draining (or nobody else can take the viewer, or the
   * origin cannot be relayed from: it then answers SFU.ROOM_FULL or SFU.DRAINING itself); else the
   * admitting node with the most spare capacity, relaying from the origin. A draining origin still
   * relays the broadcasts it hosts, so their new viewers keep arriving through other nodes.
   * Undefined if the origin has not reported recently.
   */
  async placeViewer(originId: NodeId): Promise<ViewerPlacement | undefined> {
    // One query: the origin, and the best other node only when the origin is full or draining,
    // and relayable.
    // Both ends must relay (an empty relay_url: a node without the relay secret, or an older one).
    const [row] = await this.dataSource.query(
      `SELECT o.node_id, o.signalling_url, o.relay_url, e.node_id AS edge_id, e.signalling_url AS edge_signalling_url
         FROM sfu_node o
         LEFT JOIN LATERAL (
           SELECT node_id, signalling_url FROM sfu_node
            WHERE (o.draining OR NOT (${hasRoom(3, 'o')})) AND o.relay_url <> ''
              AND node_id <> o.node_id AND relay_url <> '' AND ${admitting(2)} AND ${hasRoom(3)}
            ORDER BY ${BY_SPARE_CAPACITY}
            LIMIT 1
         ) e ON true
        WHERE o.node_id = $1 AND ${fresh(2, 'o')}`,
      [originId, this.config.sfu.nodeStaleSeconds, this.config.sfu.fillLimit],
    );
    if (!row) return undefined;
    const origin: SfuNode = { nodeId: row.node_id, signallingUrl: row.signalling_url };
    if (!row.edge_id) return { node: origin };
    return {
      node: { nodeId: row.edge_id, signallingUrl: row.edge_signalling_url },
      relayFrom: { nodeId: origin.nodeId, relayUrl: row.relay_url },
    };
  }
}
