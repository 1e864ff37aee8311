import { BroadcastEndedEvent, BroadcastExpiredEvent, BroadcastReplayReadyEvent, BroadcastWentLiveEvent } from '@onair/contracts';
import type { BatchEvent } from '@onair/kafka';
import type { BroadcastEvent } from './broadcast-indexer.js';

/** Lifecycle events: few, and a go-live must be searchable within 1.5 s, so they have a consumer group of their own. */
export const LIFECYCLE_EVENTS = [BroadcastWentLiveEvent, BroadcastEndedEvent, BroadcastReplayReadyEvent, BroadcastExpiredEvent];

/** A broadcast event as the indexer takes it (every lifecycle and stats event names its broadcast). */
export const toBroadcastEvent = (e: BatchEvent): BroadcastEvent => ({ ...e, broadcastId: (e.message as { broadcastId: string }).broadcastId });
