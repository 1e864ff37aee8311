import { GoLiveChunkSchema, NotificationsCreatedSchema } from './gen/onair/notifications/v1/notification_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const GoLiveChunkEvent = defineEvent(GoLiveChunkSchema);
export const NotificationsCreatedEvent = defineEvent(NotificationsCreatedSchema);
