import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { loadSync } from '@grpc/proto-loader';
import { DiscoverableBroadcastState as State, StreamDiscoverableBroadcastsResponseSchema } from '@onair/contracts';
import { join } from 'node:path';
import { toInfo, type BroadcastRow } from '../broadcasts/broadcast-record.js';
import { defaultProtoDir, SERVICE_PROTO } from '../config.js';
import { toDiscoverable } from './discoverable-broadcast.js';

/** Through the serializer the gRPC server uses (proto-loader), back through libs/contracts, as discovery reads it. */
function overTheWire(rows: BroadcastRow[]) {
  const protoDir = defaultProtoDir();
  const definition = loadSync(join(protoDir, SERVICE_PROTO), { includeDirs: [protoDir], keepCase: false, longs: String, enums: String, defaults: true });
  const method = (definition['onair.stream_sessions.v1.StreamSessionsService'] as Record<string, { responseSerialize(value: object): Buffer }>)
    .StreamDiscoverableBroadcasts;
  return fromBinary(StreamDiscoverableBroadcastsResponseSchema, method.responseSerialize({ broadcasts: rows.map(toDiscoverable) })).broadcasts;
}

const at = (iso: string) => new Date(iso);
const row = (overrides: Partial<BroadcastRow>): BroadcastRow =>
  ({
    id: '0b9c2f4e-6a1d-4c3b-9e8f-7a6b5c4d3e2f',
    owner_id: '5d9c0f3e-2a43-4f8e-9a4b-0c1d2e3f4a5b',
    title: 'Harbour at dusk',
    topics: ['travel', 'sea'],
    language: 'pt-BR',
    latitude: 38.72,
    longitude: -9.14,
    location_precision: 'neighbourhood',
    visibility: 'public',
    circle_id: null,
    state: 'live',
    started_at: at('2026-03-01T18:00:00.123Z'),
    ended_at: null,
    replay_expires_at: null,
    viewers_now: 12,
    viewers_peak: 30,
    hearts_total: '9007199254740993',
    ...overrides,
  }) as BroadcastRow;

describe('a discoverable broadcast on the wire', () => {
  it('carries toInfo (as broadcast.went_live.v1 does), the live numbers, and no end while live', () => {
    const b = row({ visibility: 'circle', circle_id: '7d3c1b2a-0f9e-4d8c-b7a6-958473625140' });
    const [live] = overTheWire([b]);
    expect(live.info).toEqual(toInfo(b));
    expect(live.info!.visibility!.audience).toEqual({ case: 'circleId', value: b.circle_id });
    expect(live).toMatchObject({ state: State.LIVE, viewersNow: 12, viewersPeak: 30, heartsTotal: 9007199254740993n });
    expect([live.endedAt, live.replayExpiresAt]).toEqual([undefined, undefined]);
    expect(timestampDate(live.startedAt!).toISOString()).toBe('2026-03-01T18:00:00.123Z');
  });

  it('gives an ended broadcast its end but no replay expiry, and no viewers now', () => {
    const b = row({ state: 'ended', ended_at: at('2026-03-01T19:00:00Z'), replay_expires_at: at('2026-03-02T19:00:00Z'), viewers_now: 3, latitude: null, longitude: null, location_precision: null });
    const [ended] = overTheWire([b]);
    expect(ended).toMatchObject({ state: State.ENDED, viewersNow: 0, viewersPeak: 30 });
    expect(ended.replayExpiresAt).toBeUndefined();
    expect(timestampDate(ended.endedAt!).toISOString()).toBe('2026-03-01T19:00:00.000Z');
    expect(ended.info!.location).toBeUndefined();
  });

  it('gives a replay its end and its expiry', () => {
    const b = row({ state: 'replay_ready', ended_at: at('2026-03-01T19:00:00Z'), replay_expires_at: at('2026-03-02T19:00:00.5Z'), viewers_now: 0 });
    const [replay] = overTheWire([b]);
    expect(replay.state).toBe(State.REPLAY);
    expect(timestampDate(replay.replayExpiresAt!).toISOString()).toBe('2026-03-02T19:00:00.500Z');
  });

  it.each([
    ['created', row({ state: 'created', started_at: null })],
    ['expired', row({ state: 'expired', ended_at: at('2026-03-01T19:00:00Z') })],
    ['ended before it went live', row({ state: 'ended', started_at: null, ended_at: at('2026-03-01T19:00:00Z') })],
  ])('refuses a broadcast that is not discoverable: %s', (_what, b) => {
    expect(() => toDiscoverable(b)).toThrow(/not discoverable/);
  });
});
