import {
  AudienceReportedSchema,
  NodeLoadReportedSchema,
  PublisherJoinedSchema,
  PublisherLeftSchema,
  RecordingFinishedSchema,
} from './gen/onair/media/v1/media_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const PublisherJoinedEvent = defineEvent(PublisherJoinedSchema);
export const PublisherLeftEvent = defineEvent(PublisherLeftSchema);
export const AudienceReportedEvent = defineEvent(AudienceReportedSchema);
export const RecordingFinishedEvent = defineEvent(RecordingFinishedSchema);
export const NodeLoadReportedEvent = defineEvent(NodeLoadReportedSchema);
