import {
  BroadcastCreatedSchema,
  BroadcastEndedSchema,
  BroadcastExpiredSchema,
  BroadcastReplayReadySchema,
  BroadcastStatsUpdatedSchema,
  BroadcastWentLiveSchema,
} from './gen/onair/stream_sessions/v1/broadcast_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const BroadcastCreatedEvent = defineEvent(BroadcastCreatedSchema);
export const BroadcastWentLiveEvent = defineEvent(BroadcastWentLiveSchema);
export const BroadcastEndedEvent = defineEvent(BroadcastEndedSchema);
export const BroadcastReplayReadyEvent = defineEvent(BroadcastReplayReadySchema);
export const BroadcastExpiredEvent = defineEvent(BroadcastExpiredSchema);
export const BroadcastStatsUpdatedEvent = defineEvent(BroadcastStatsUpdatedSchema);
