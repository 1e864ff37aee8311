import {
  ChatMessagePostedSchema,
  HeartsBurstSchema,
  HeartsCountedSchema,
  JuryStartedSchema,
  JuryVerdictSchema,
  JuryVoteCastSchema,
  PresenceReportedSchema,
  RoomSettingsChangedSchema,
  ViewerMutedSchema,
  ViewerUnmutedSchema,
} from './gen/onair/chat/v1/chat_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const ChatMessagePostedEvent = defineEvent(ChatMessagePostedSchema);
export const HeartsBurstEvent = defineEvent(HeartsBurstSchema);
export const PresenceReportedEvent = defineEvent(PresenceReportedSchema);
export const ViewerMutedEvent = defineEvent(ViewerMutedSchema);
export const ViewerUnmutedEvent = defineEvent(ViewerUnmutedSchema);
export const RoomSettingsChangedEvent = defineEvent(RoomSettingsChangedSchema);
export const JuryStartedEvent = defineEvent(JuryStartedSchema);
export const JuryVoteCastEvent = defineEvent(JuryVoteCastSchema);
export const JuryVerdictEvent = defineEvent(JuryVerdictSchema);
export const HeartsCountedEvent = defineEvent(HeartsCountedSchema);
