import { loadPackageDefinition, Metadata, type ClientReadableStream } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ServiceTls, type ServiceTlsFiles } from '@onair/service-tls';
import { join } from 'node:path';
import type { BroadcastDocument, BroadcastState, VisibilityKind } from '../broadcasts/broadcast-document.js';

export const STREAM_SESSIONS_PROTO = 'onair/stream_sessions/v1/stream_sessions_service.proto';

interface Timestamp {
  seconds: string;
  nanos: number;
}

/** A DiscoverableBroadcast as @grpc/proto-loader decodes it (camelCase, longs and enums as strings). */
interface WireBroadcast {
  info: {
    broadcastId: string;
    ownerId: string;
    title: string;
    topics: string[];
    language: string;
    location: { latitude: number; longitude: number; precision: string } | null;
    visibility: { public?: boolean; followers?: boolean; circleId?: string; audience?: string } | null;
  } | null;
  state: string;
  startedAt: Timestamp | null;
  endedAt: Timestamp | null;
  replayExpiresAt: Timestamp | null;
  viewersNow: number;
  viewersPeak: number;
  heartsTotal: string;
}

const STATES: Record<string, BroadcastState> = {
  DISCOVERABLE_BROADCAST_STATE_LIVE: 'live',
  DISCOVERABLE_BROADCAST_STATE_ENDED: 'ended',
  DISCOVERABLE_BROADCAST_STATE_REPLAY: 'replay',
};
const PRECISIONS: Record<string, BroadcastDocument['location_precision']> = {
  LOCATION_PRECISION_NEIGHBOURHOOD: 'neighbourhood',
  LOCATION_PRECISION_CITY: 'city',
  LOCATION_PRECISION_REGION: 'region',
};

const iso = (t: Timestamp | null) => (t ? new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)).toISOString() : null);

/** The document a broadcast of stream-sessions' source of truth becomes (no log position: events after it apply). */
export function documentOf(b: WireBroadcast): BroadcastDocument | undefined {
  const state = STATES[b.state];
  if (!b.info || !state) return undefined;
  const v = b.info.visibility;
  const visibility: VisibilityKind = v?.audience === 'circleId' || v?.circleId ? 'circle' : v?.audience === 'followers' || v?.followers ? 'followers' : 'public';
  return {
    broadcast_id: b.info.broadcastId,
    owner_id: b.info.ownerId,
    state,
    title: b.info.title,
    topics: b.info.topics.map((t) => t.toLowerCase()),
    language: b.info.language.toLowerCase(),
    location: b.info.location ? { lat: b.info.location.latitude, lon: b.info.location.longitude } : null,
    location_precision: b.info.location ? (PRECISIONS[b.info.location.precision] ?? null) : null,
    visibility,
    circle_id: visibility === 'circle' ? (v?.circleId ?? '').toLowerCase() : null,
    viewers_now: state === 'live' ? b.viewersNow : 0,
    viewers_peak: b.viewersPeak,
    hearts_total: Number(b.heartsTotal),
    heart_velocity: 0,
    stats_at: null,
    started_at: iso(b.startedAt) ?? undefined,
    ended_at: iso(b.endedAt),
    replay_expires_at: iso(b.replayExpiresAt),
    lifecycle_position: null,
    stats_position: null,
  };
}

/** stream-sessions' internal gRPC API (StreamSessionsService) over mutual TLS: the source of truth a reindex reads. */
export class DiscoverableBroadcastsClient {
  private readonly client: { streamDiscoverableBroadcasts: (request: object, metadata: Metadata) => ClientReadableStream<{ broadcasts: WireBroadcast[] }>; close(): void };

  constructor(options: { address: string; protoDir: string; tls: ServiceTlsFiles }) {
    const definition = loadSync(join(options.protoDir, STREAM_SESSIONS_PROTO), { includeDirs: [options.protoDir], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
    const pkg = loadPackageDefinition(definition) as unknown as {
      onair: { stream_sessions: { v1: { StreamSessionsService: new (address: string, creds: unknown, options: unknown) => never } } };
    };
    this.client = new pkg.onair.stream_sessions.v1.StreamSessionsService(options.address, ServiceTls.load(options.tls).grpcChannelCredentials(), ServiceTls.grpcChannelOptions('stream-sessions'));
  }

  /** Every discoverable broadcast, a page at a time. */
  async *pages(pageSize = 1000): AsyncGenerator<BroadcastDocument[]> {
    const stream = this.client.streamDiscoverableBroadcasts({ pageSize }, new Metadata());
    for await (const page of stream as AsyncIterable<{ broadcasts: WireBroadcast[] }>) {
      yield page.broadcasts.flatMap((b) => documentOf(b) ?? []);
    }
  }

  close(): void {
    this.client.close();
  }
}
