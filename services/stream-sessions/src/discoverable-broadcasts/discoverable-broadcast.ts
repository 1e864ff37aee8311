import { toJson, type JsonObject } from '@bufbuild/protobuf';
import { BroadcastInfoSchema, DiscoverableBroadcastState } from '@onair/contracts';
import { toInfo, type BroadcastRow, type BroadcastState } from '../broadcasts/broadcast-record.js';

/**
 * A DiscoverableBroadcast as @grpc/proto-loader serializes it (protobufjs' object form): int64
 * as a decimal string, a Timestamp as { seconds, nanos }, an enum by number, a oneof by its
 * member's name, an absent message as undefined.
 */
export interface GrpcDiscoverableBroadcast {
  info: JsonObject;
  state: DiscoverableBroadcastState;
  startedAt: GrpcTimestamp;
  endedAt?: GrpcTimestamp;
  replayExpiresAt?: GrpcTimestamp;
  viewersNow: number;
  viewersPeak: number;
  heartsTotal: string;
}

interface GrpcTimestamp {
  seconds: string;
  nanos: number;
}

/** The states streamed, as the proto's comment on DiscoverableBroadcastState maps them. */
const STATES: Partial<Record<BroadcastState, DiscoverableBroadcastState>> = {
  live: DiscoverableBroadcastState.LIVE,
  ended: DiscoverableBroadcastState.ENDED,
  replay_ready: DiscoverableBroadcastState.REPLAY,
};

export const DISCOVERABLE_STATES = Object.keys(STATES) as BroadcastState[];

function timestamp(at: Date): GrpcTimestamp {
  const ms = at.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms - Math.floor(ms / 1000) * 1000) * 1_000_000 };
}

/**
 * What discovery learns of a broadcast the reader selected (live, or over within its replay
 * lifetime, and once live). The info is toInfo's, the same as broadcast.went_live.v1 carries;
 * its JSON form is protobufjs' object form too (camelCase names, enum names, oneof members).
 */
export function toDiscoverable(b: BroadcastRow): GrpcDiscoverableBroadcast {
  const state = STATES[b.state];
  if (state === undefined || !b.started_at) throw new Error(`broadcast ${b.id} (${b.state}) is not discoverable`);
  const live = state === DiscoverableBroadcastState.LIVE;
  return {
    info: toJson(BroadcastInfoSchema, toInfo(b)) as JsonObject,
    state,
    startedAt: timestamp(b.started_at),
    endedAt: !live && b.ended_at ? timestamp(b.ended_at) : undefined,
    replayExpiresAt: state === DiscoverableBroadcastState.REPLAY && b.replay_expires_at ? timestamp(b.replay_expires_at) : undefined,
    viewersNow: live ? b.viewers_now : 0,
    viewersPeak: b.viewers_peak,
    heartsTotal: String(b.hearts_total),
  };
}
