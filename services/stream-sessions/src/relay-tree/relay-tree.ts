import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { BroadcastId, NodeId } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import type { SfuNode } from '../sfu-nodes/sfu-nodes.js';
import { chooseCarrier, chooseParent, chooseReattachment, type TreeNode } from './tree-choice.js';

/** Where a viewer connects, and the node that node pulls the broadcast from when it is not the origin. */
export interface ViewerPlacement {
  node: SfuNode;
  relayFrom?: { nodeId: NodeId; relayUrl: string };
}

/** Nodes a viewer could not use (unreachable, full, draining, or their relay failed): not chosen for it. */
export type AvoidedNodes = ReadonlySet<string>;

/**
 * A broadcast's relay tree. The origin (the publisher's node) relays to at most SFU_RELAY_FANOUT
 * nodes; past that, relaying nodes feed further ones, down to SFU_RELAY_MAX_DEPTH. A viewer goes
 * to the carrying node with room closest to the root; when none has room, a new node joins the
 * tree under the parent with room closest to the root. Edges are written at placement, under a
 * per-broadcast lock only when the tree changes (most tickets read and go), and pruned by the
 * nodes' load reports (a node says which broadcasts it relays, and from where).
 */
@Injectable()
export class RelayTree {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  /** Undefined when the origin has not reported recently (or this viewer avoids it and it has no tree). */
  async placeViewer(broadcastId: BroadcastId, originId: NodeId, avoid: AvoidedNodes): Promise<ViewerPlacement | undefined> {
    const limits = this.limits();
    const tree = await this.carriers(this.dataSource.manager, broadcastId, originId);
    const origin = tree.get(originId);
    if (!origin?.fresh) return undefined;
    const carrier = chooseCarrier(tree, avoid, limits);
    if (carrier) return placement(tree, carrier);
    return this.dataSource.transaction(async (manager) => {
      // The tree changes: one placement at a time per broadcast, each seeing the others' edges.
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [broadcastId]);
      const locked = await this.carriers(manager, broadcastId, originId);
      const settled = chooseCarrier(locked, avoid, limits);
      if (settled) return placement(locked, settled);
      // A node that carries the broadcast with room, whose parent went: it re-attaches higher up.
      const reattached = chooseReattachment(locked, avoid, limits);
      if (reattached) {
        // created_at anew: the node has not reported relaying from there yet (reconcile's grace).
        await manager.query('UPDATE relay_edge SET parent_node_id = $3, depth = $4, created_at = now() WHERE broadcast_id = $1 AND node_id = $2', [
          broadcastId,
          reattached.node.nodeId,
          reattached.parent.nodeId,
          reattached.parent.depth + 1,
        ]);
        return { node: reattached.node, relayFrom: { nodeId: reattached.parent.nodeId, relayUrl: reattached.parent.relayUrl } };
      }
      const parent = chooseParent(locked, avoid, limits);
      const fresh = parent && (await this.newNode(manager, [...locked.keys()], avoid));
      if (!parent || !fresh) {
        // Nobody else can take the viewer: the origin answers SFU.ROOM_FULL or SFU.DRAINING itself.
        return avoid.has(originId) ? undefined : { node: origin };
      }
      await manager.query(
        `INSERT INTO relay_edge (broadcast_id, node_id, parent_node_id, depth) VALUES ($1, $2, $3, $4)
         ON CONFLICT (broadcast_id, node_id) DO UPDATE SET parent_node_id = excluded.parent_node_id, depth = excluded.depth, created_at = now()`,
        [broadcastId, fresh.nodeId, parent.nodeId, parent.depth + 1],
      );
      return { node: fresh, relayFrom: { nodeId: parent.nodeId, relayUrl: parent.relayUrl } };
    });
  }

  /** The publisher moved to another node (or the broadcast ended): the tree re-forms from its viewers. */
  async clear(manager: EntityManager, broadcastId: string): Promise<void> {
    await manager.query('DELETE FROM relay_edge WHERE broadcast_id = $1', [broadcastId]);
  }

  /**
   * A node's load report lists the broadcasts it relays now and their parents. Edges to it that
   * it no longer relays are dropped (after a grace for viewers still on their way there), and
   * edges follow the parent it really pulls from. Edges of nodes silent for a minute go too.
   */
  async reconcile(manager: EntityManager, nodeId: string, relays: Array<{ broadcastId: string; parentNodeId: string }>): Promise<void> {
    const ids = relays.map((r) => r.broadcastId);
    await manager.query(
      `DELETE FROM relay_edge WHERE node_id = $1 AND created_at < now() - interval '15 seconds' AND NOT (broadcast_id::text = ANY($2::text[]))`,
      [nodeId, ids],
    );
    if (relays.length) {
      await manager.query(
        `UPDATE relay_edge e SET parent_node_id = r.parent
           FROM unnest($2::text[], $3::text[]) AS r(broadcast, parent)
          WHERE e.node_id = $1 AND e.broadcast_id::text = r.broadcast AND e.parent_node_id <> r.parent AND r.parent <> $1`,
        [nodeId, ids, relays.map((r) => r.parentNodeId)],
      );
    }
    await manager.query(
      `DELETE FROM relay_edge e USING sfu_node n WHERE e.node_id = n.node_id AND n.received_at < now() - interval '60 seconds'`,
    );
  }

  private limits() {
    const { relayFanout, relayMaxDepth, fillLimit } = this.config.sfu;
    return { fanout: relayFanout, maxDepth: relayMaxDepth, fillLimit };
  }

  /** The origin and every node the tree says carries the broadcast, with their last reports. */
  private async carriers(manager: EntityManager, broadcastId: string, originId: string): Promise<Map<string, TreeNode>> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `SELECT t.node_id, t.parent_node_id, t.depth, n.signalling_url, n.relay_url, n.consumers, n.consumer_capacity, n.draining,
              coalesce(n.received_at > now() - make_interval(secs => $3), false) AS fresh
         FROM (SELECT $2::text AS node_id, NULL::text AS parent_node_id, 0 AS depth
               UNION ALL
               SELECT node_id, parent_node_id, depth FROM relay_edge WHERE broadcast_id = $1 AND node_id <> $2) t
         LEFT JOIN sfu_node n ON n.node_id = t.node_id`,
      [broadcastId, originId, this.config.sfu.nodeStaleSeconds],
    );
    return new Map(
      rows.map((r) => [
        String(r.node_id),
        {
          nodeId: r.node_id as NodeId,
          parentId: (r.parent_node_id as string | null) ?? undefined,
          depth: Number(r.depth),
          signallingUrl: String(r.signalling_url ?? ''),
          relayUrl: String(r.relay_url ?? ''),
          consumers: Number(r.consumers ?? 0),
          capacity: Number(r.consumer_capacity ?? 0),
          draining: Boolean(r.draining),
          fresh: Boolean(r.fresh),
        },
      ]),
    );
  }

  /** The admitting, relay-capable node with the most spare capacity that does not carry the broadcast yet. */
  private async newNode(manager: EntityManager, carrying: string[], avoid: AvoidedNodes): Promise<SfuNode | undefined> {
    const [row] = await manager.query(
      `SELECT node_id, signalling_url FROM sfu_node
        WHERE received_at > now() - make_interval(secs => $1) AND NOT draining AND relay_url <> ''
          AND consumers < consumer_capacity * $2::float8 AND NOT (node_id = ANY($3::text[]))
        ORDER BY consumers::float8 / greatest(consumer_capacity, 1), cpu_percent, node_id
        LIMIT 1`,
      [this.config.sfu.nodeStaleSeconds, this.config.sfu.fillLimit, [...carrying, ...avoid]],
    );
    return row && { nodeId: row.node_id, signallingUrl: row.signalling_url };
  }
}

function placement(tree: Map<string, TreeNode>, node: TreeNode): ViewerPlacement {
  const parent = node.parentId ? tree.get(node.parentId) : undefined;
  return {
    node: { nodeId: node.nodeId, signallingUrl: node.signallingUrl },
    ...(parent ? { relayFrom: { nodeId: parent.nodeId, relayUrl: parent.relayUrl } } : {}),
  };
}
