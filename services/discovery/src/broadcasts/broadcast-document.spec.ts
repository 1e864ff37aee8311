import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  BroadcastEndedEvent,
  BroadcastEndedSchema,
  BroadcastExpiredEvent,
  BroadcastExpiredSchema,
  BroadcastReplayReadyEvent,
  BroadcastReplayReadySchema,
  BroadcastStatsUpdatedEvent,
  BroadcastStatsUpdatedSchema,
  BroadcastWentLiveEvent,
  BroadcastWentLiveSchema,
  LocationPrecision,
} from '@onair/contracts';
import { applyLifecycle, applyStats, type BroadcastDocument, type PositionedEvent } from './broadcast-document.js';

const id = '5b1f0c1e-7a0e-4a43-9d51-0f3f3c1d2e10';
const owner = '0a7e5d7c-2b3a-4c5d-8e9f-1a2b3c4d5e6f';
const at = (partition: number, offset: number) => ({ partition, offset: BigInt(offset) });

const wentLive = (o: number): PositionedEvent => ({
  descriptor: BroadcastWentLiveEvent,
  message: create(BroadcastWentLiveSchema, {
    broadcastId: id,
    info: {
      broadcastId: id,
      ownerId: owner,
      title: 'Sunset',
      topics: ['Music'],
      language: 'pt-BR',
      location: { latitude: 48.85, longitude: 2.35, precision: LocationPrecision.CITY },
      visibility: { audience: { case: 'circleId', value: 'C1A2B3C4-0000-4000-8000-000000000000' } },
    },
    startedAt: timestampFromDate(new Date('2026-12-04T20:00:00Z')),
  }),
  ...at(0, o),
});
const ended = (o: number): PositionedEvent => ({ descriptor: BroadcastEndedEvent, message: create(BroadcastEndedSchema, { broadcastId: id, ownerId: owner, endedAt: timestampFromDate(new Date('2026-12-04T21:00:00Z')) }), ...at(0, o) });
const replay = (o: number): PositionedEvent => ({ descriptor: BroadcastReplayReadyEvent, message: create(BroadcastReplayReadySchema, { broadcastId: id, ownerId: owner, expiresAt: timestampFromDate(new Date('2026-12-05T21:00:00Z')) }), ...at(0, o) });
const expired = (o: number): PositionedEvent => ({ descriptor: BroadcastExpiredEvent, message: create(BroadcastExpiredSchema, { broadcastId: id, ownerId: owner, expiredAt: timestampFromDate(new Date('2026-12-05T21:00:00Z')) }), ...at(0, o) });
const stats = (o: number, viewers: number, peak: number, hearts: number, time: string): PositionedEvent => ({
  descriptor: BroadcastStatsUpdatedEvent,
  message: create(BroadcastStatsUpdatedSchema, { broadcastId: id, viewersNow: viewers, viewersPeak: peak, heartsTotal: BigInt(hearts), at: timestampFromDate(new Date(time)) }),
  ...at(1, o),
});

const fold = (events: PositionedEvent[], start?: BroadcastDocument) =>
  events.reduce<BroadcastDocument | undefined>((doc, e) => (e.descriptor === BroadcastStatsUpdatedEvent ? applyStats(doc, e) : applyLifecycle(doc, e)), start);

describe('a broadcast document, event by event', () => {
  it('takes what went live as shared (rounded location, lower-case topics and language, the circle)', () => {
    expect(fold([wentLive(3)])).toMatchObject({
      broadcast_id: id,
      owner_id: owner,
      state: 'live',
      topics: ['music'],
      language: 'pt-br',
      location: { lat: 48.85, lon: 2.35 },
      location_precision: 'city',
      visibility: 'circle',
      circle_id: 'c1a2b3c4-0000-4000-8000-000000000000',
      started_at: '2026-12-04T20:00:00.000Z',
      lifecycle_position: { partition: 0, offset: '3' },
    });
  });

  it('goes live -> ended -> replay -> gone, and a gone broadcast keeps nothing searchable', () => {
    const live = fold([wentLive(1), stats(1, 40, 50, 100, '2026-12-04T20:01:00Z')]);
    const over = fold([ended(2)], live);
    expect(over).toMatchObject({ state: 'ended', viewers_now: 0, viewers_peak: 50, ended_at: '2026-12-04T21:00:00.000Z' });
    expect(fold([replay(3)], over)).toMatchObject({ state: 'replay', replay_expires_at: '2026-12-05T21:00:00.000Z' });
    const gone = fold([expired(4)], fold([replay(3)], over));
    expect(gone).toEqual({ broadcast_id: id, owner_id: owner, state: 'gone', gone_at: '2026-12-05T21:00:00.000Z', lifecycle_position: { partition: 0, offset: '4' } });
  });

  it('ignores an event at or before the last one applied (a redelivery), so applying a batch twice changes nothing', () => {
    const once = fold([wentLive(1), ended(2), stats(7, 3, 9, 10, '2026-12-04T20:01:00Z')])!;
    expect(fold([wentLive(1), ended(2), stats(7, 3, 9, 10, '2026-12-04T20:01:00Z')], once)).toBe(once);
    // A late went_live from before the end does not bring it back.
    expect(fold([wentLive(1)], once)).toBe(once);
    const tombstone = fold([expired(9)], once)!;
    expect(fold([wentLive(5), replay(6)], tombstone)).toBe(tombstone);
  });

  it('has nothing to end, replay or count for a broadcast never seen live', () => {
    expect(fold([ended(1), replay(2), stats(1, 5, 5, 5, '2026-12-04T20:01:00Z')])).toBeUndefined();
  });

  it('counts viewers only while live, keeps the peak and hearts as totals, and smooths heart velocity per minute', () => {
    let doc = fold([wentLive(1), stats(1, 10, 10, 0, '2026-12-04T20:00:00Z')])!;
    doc = fold([stats(2, 20, 20, 60, '2026-12-04T20:01:00Z')], doc)!;
    // 60 hearts in a minute, smoothed with the previous 0.
    expect(doc).toMatchObject({ viewers_now: 20, viewers_peak: 20, hearts_total: 60, heart_velocity: 30 });
    doc = fold([stats(3, 25, 25, 180, '2026-12-04T20:02:00Z')], doc)!;
    expect(doc.heart_velocity).toBe(75);
    doc = fold([ended(2)], doc)!;
    // A stats event published just before the end, read after it: totals yes, viewers now no.
    doc = fold([stats(4, 30, 30, 200, '2026-12-04T20:02:30Z')], doc)!;
    expect(doc).toMatchObject({ state: 'ended', viewers_now: 0, viewers_peak: 30, hearts_total: 200, heart_velocity: 0 });
  });
});
