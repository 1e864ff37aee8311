import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import {
  BroadcastEndedEvent,
  BroadcastExpiredEvent,
  BroadcastReplayReadyEvent,
  BroadcastStatsUpdatedEvent,
  BroadcastWentLiveEvent,
  LocationPrecision,
  type BroadcastEnded,
  type BroadcastExpired,
  type BroadcastInfo,
  type BroadcastReplayReady,
  type BroadcastStatsUpdated,
  type BroadcastWentLive,
} from '@onair/contracts';
import type { EventDescriptor } from '@onair/contracts';

/**
 * live: watchable now; ended: over, its replay not ready yet (shown nowhere); replay: the
 * replay is watchable until replay_expires_at; gone: expired for everyone (a tombstone with no
 * content, kept a while so a late, older event cannot bring the broadcast back, then deleted).
 */
export type BroadcastState = 'live' | 'ended' | 'replay' | 'gone';
export type VisibilityKind = 'public' | 'followers' | 'circle';

/** Where in its partition the last event applied to a document was. */
export interface LogPosition {
  partition: number;
  offset: string;
}

/** One broadcast in the broadcasts index (snake_case: Elasticsearch field names). */
export interface BroadcastDocument {
  broadcast_id: string;
  owner_id: string;
  state: BroadcastState;
  handle?: string | null;
  display_name?: string | null;
  title?: string;
  topics?: string[];
  language?: string;
  location?: { lat: number; lon: number } | null;
  location_precision?: 'neighbourhood' | 'city' | 'region' | null;
  visibility?: VisibilityKind;
  circle_id?: string | null;
  viewers_now?: number;
  viewers_peak?: number;
  hearts_total?: number;
  /** Hearts per minute, smoothed over the last stats updates. */
  heart_velocity?: number;
  stats_at?: string | null;
  started_at?: string;
  ended_at?: string | null;
  replay_expires_at?: string | null;
  gone_at?: string | null;
  /** Of the last lifecycle event applied (none: built from stream-sessions by a reindex). */
  lifecycle_position?: LogPosition | null;
  stats_position?: LogPosition | null;
}

/** A lifecycle or stats event with its place in the log. */
export interface PositionedEvent {
  descriptor: EventDescriptor;
  message: unknown;
  partition: number;
  offset: bigint;
}

const PRECISION: Record<number, BroadcastDocument['location_precision']> = {
  [LocationPrecision.NEIGHBOURHOOD]: 'neighbourhood',
  [LocationPrecision.CITY]: 'city',
  [LocationPrecision.REGION]: 'region',
};

const iso = (t: Timestamp | undefined) => (t ? timestampDate(t).toISOString() : null);

/** The searchable part of a broadcast, from the info stream-sessions publishes (already rounded). */
export function infoFields(info: BroadcastInfo): Omit<BroadcastDocument, 'broadcast_id' | 'state'> {
  const audience = info.visibility?.audience;
  return {
    owner_id: info.ownerId,
    title: info.title,
    topics: info.topics.map((t) => t.toLowerCase()),
    language: info.language.toLowerCase(),
    location: info.location ? { lat: info.location.latitude, lon: info.location.longitude } : null,
    location_precision: info.location ? (PRECISION[info.location.precision] ?? null) : null,
    visibility: audience?.case === 'circleId' ? 'circle' : audience?.case === 'followers' ? 'followers' : 'public',
    circle_id: audience?.case === 'circleId' ? audience.value.toLowerCase() : null,
  };
}

/** Whether an event at `at` comes after what `seen` says was applied (another partition: yes). */
export function isNewer(seen: LogPosition | null | undefined, at: { partition: number; offset: bigint }): boolean {
  return !seen || seen.partition !== at.partition || BigInt(seen.offset) < at.offset;
}

/**
 * One lifecycle event applied to a document (undefined: none yet); returns the new version,
 * or the same object when the event changes nothing (already applied, or nothing to apply to).
 */
export function applyLifecycle(doc: BroadcastDocument | undefined, event: PositionedEvent): BroadcastDocument | undefined {
  if (doc && !isNewer(doc.lifecycle_position, event)) return doc;
  const position: LogPosition = { partition: event.partition, offset: event.offset.toString() };
  switch (event.descriptor) {
    case BroadcastWentLiveEvent: {
      const m = event.message as BroadcastWentLive;
      if (!m.info) return doc;
      return {
        viewers_now: 0,
        viewers_peak: 0,
        hearts_total: 0,
        heart_velocity: 0,
        ...doc,
        ...infoFields(m.info),
        owner_id: m.info.ownerId,
        broadcast_id: m.broadcastId,
        state: 'live',
        started_at: iso(m.startedAt) ?? new Date().toISOString(),
        ended_at: null,
        lifecycle_position: position,
      };
    }
    case BroadcastEndedEvent: {
      const m = event.message as BroadcastEnded;
      // Never seen live here: nothing was discoverable, nothing to end.
      if (!doc || doc.state === 'gone') return doc && { ...doc, lifecycle_position: position };
      // broadcast.ended.v1 means zero viewers: no final stats event follows.
      return { ...doc, state: doc.state === 'replay' ? 'replay' : 'ended', viewers_now: 0, heart_velocity: 0, ended_at: iso(m.endedAt), lifecycle_position: position };
    }
    case BroadcastReplayReadyEvent: {
      const m = event.message as BroadcastReplayReady;
      if (!doc || doc.state === 'gone') return doc && { ...doc, lifecycle_position: position };
      return { ...doc, state: 'replay', viewers_now: 0, replay_expires_at: iso(m.expiresAt), lifecycle_position: position };
    }
    case BroadcastExpiredEvent: {
      const m = event.message as BroadcastExpired;
      // Gone for everyone: nothing of it stays searchable, only the tombstone.
      return { broadcast_id: m.broadcastId, owner_id: m.ownerId, state: 'gone', gone_at: iso(m.expiredAt) ?? new Date().toISOString(), lifecycle_position: position };
    }
    default:
      return doc;
  }
}

/** Weight of the newest rate in the smoothed heart velocity. */
const VELOCITY_WEIGHT = 0.5;

/** A stats event applied to a document; stats about a broadcast not indexed (yet) are dropped. */
export function applyStats(doc: BroadcastDocument | undefined, event: PositionedEvent): BroadcastDocument | undefined {
  if (event.descriptor !== BroadcastStatsUpdatedEvent || !doc || doc.state === 'gone') return doc;
  if (!isNewer(doc.stats_position, event)) return doc;
  const m = event.message as BroadcastStatsUpdated;
  const at = iso(m.at) ?? new Date().toISOString();
  const hearts = Number(m.heartsTotal);
  let velocity = doc.heart_velocity ?? 0;
  if (doc.stats_at && Date.parse(at) > Date.parse(doc.stats_at)) {
    const minutes = (Date.parse(at) - Date.parse(doc.stats_at)) / 60_000;
    const rate = Math.max(0, hearts - (doc.hearts_total ?? 0)) / minutes;
    velocity = VELOCITY_WEIGHT * rate + (1 - VELOCITY_WEIGHT) * velocity;
  }
  return {
    ...doc,
    // Only a live broadcast has viewers now; a late stats event after the end keeps its totals.
    viewers_now: doc.state === 'live' ? m.viewersNow : 0,
    viewers_peak: Math.max(doc.viewers_peak ?? 0, m.viewersPeak),
    hearts_total: Math.max(doc.hearts_total ?? 0, hearts),
    heart_velocity: doc.state === 'live' ? Math.round(velocity * 100) / 100 : 0,
    stats_at: at,
    stats_position: { partition: event.partition, offset: event.offset.toString() },
  };
}
