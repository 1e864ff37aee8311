import { AccountSuspendedSchema, AccountSuspensionLiftedSchema, BroadcastTakenDownSchema } from './gen/onair/ops/v1/ops_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const BroadcastTakenDownEvent = defineEvent(BroadcastTakenDownSchema);
export const AccountSuspendedEvent = defineEvent(AccountSuspendedSchema);
export const AccountSuspensionLiftedEvent = defineEvent(AccountSuspensionLiftedSchema);
