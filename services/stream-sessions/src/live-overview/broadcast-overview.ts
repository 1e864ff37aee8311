import { toJson, type JsonObject } from '@bufbuild/protobuf';
import { BroadcastEndReason, BroadcastInfoSchema, BroadcastOverviewState } from '@onair/contracts';
import { toInfo, type BroadcastRow, type BroadcastState, type EndReason } from '../broadcasts/broadcast-record.js';

/** A Timestamp as @grpc/proto-loader serializes it (protobufjs' object form). */
export interface GrpcTimestamp {
  seconds: string;
  nanos: number;
}

/** A node of a broadcast's relay tree, as the reader joins it with the nodes' audience reports. */
export interface TreeNodeRow {
  broadcast_id: string;
  node_id: string;
  parent_node_id: string | null;
  depth: number;
  viewers: number;
}

/** A BroadcastOverview in protobufjs' object form (int64 as a decimal string, enums by number). */
export interface GrpcBroadcastOverview {
  info: JsonObject;
  state: BroadcastOverviewState;
  startedAt?: GrpcTimestamp;
  endedAt?: GrpcTimestamp;
  endReason: BroadcastEndReason;
  viewersNow: number;
  viewersPeak: number;
  heartsTotal: string;
  originNodeId: string;
  nodes: Array<{ nodeId: string; viewers: number; parentNodeId: string; depth: number }>;
}

const STATES: Record<BroadcastState, BroadcastOverviewState> = {
  created: BroadcastOverviewState.CREATED,
  live: BroadcastOverviewState.LIVE,
  ended: BroadcastOverviewState.ENDED,
  replay_ready: BroadcastOverviewState.REPLAY_READY,
  expired: BroadcastOverviewState.EXPIRED,
};

const END_REASONS: Record<EndReason, BroadcastEndReason> = {
  owner: BroadcastEndReason.OWNER,
  publisher_gone: BroadcastEndReason.PUBLISHER_GONE,
  taken_down: BroadcastEndReason.TAKEN_DOWN,
};

export function timestamp(at: Date): GrpcTimestamp {
  const ms = at.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/**
 * What operators see of a broadcast. The tree is only shown while live: once over, the rows
 * left behind (edges not pruned yet, stale audience reports) describe nothing real.
 */
export function toOverview(b: BroadcastRow, tree: TreeNodeRow[]): GrpcBroadcastOverview {
  const live = b.state === 'live';
  return {
    info: toJson(BroadcastInfoSchema, toInfo(b)) as JsonObject,
    state: STATES[b.state],
    startedAt: b.started_at ? timestamp(b.started_at) : undefined,
    endedAt: b.ended_at ? timestamp(b.ended_at) : undefined,
    endReason: b.end_reason ? END_REASONS[b.end_reason] : BroadcastEndReason.UNSPECIFIED,
    viewersNow: live ? b.viewers_now : 0,
    viewersPeak: b.viewers_peak,
    heartsTotal: String(b.hearts_total),
    originNodeId: live ? (b.sfu_node_id ?? '') : '',
    nodes: live
      ? tree.filter((n) => n.broadcast_id === b.id).map((n) => ({ nodeId: n.node_id, viewers: n.viewers, parentNodeId: n.parent_node_id ?? '', depth: n.depth }))
      : [],
  };
}
