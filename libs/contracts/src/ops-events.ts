import { BroadcastTakenDownSchema } from './gen/onair/ops/v1/ops_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const BroadcastTakenDownEvent = defineEvent(BroadcastTakenDownSchema);
