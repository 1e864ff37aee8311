export { defineEvent, type EventDescriptor } from './event-descriptor.js';
export {
  AccountCreatedEvent,
  AccountProfileUpdatedEvent,
  AccountDeletedEvent,
  AccountRoleGrantedEvent,
  AccountRoleRevokedEvent,
  SessionsRevokedEvent,
} from './identity-events.js';
export * from './gen/onair/identity/v1/account_events_pb.js';
export * from './gen/onair/identity/v1/role_events_pb.js';
export * from './gen/onair/identity/v1/session_events_pb.js';
export {
  FollowCreatedEvent,
  FollowDeletedEvent,
  BlockCreatedEvent,
  BlockDeletedEvent,
  CircleMemberRemovedEvent,
  CircleDeletedEvent,
} from './social-graph-events.js';
export * from './gen/onair/social_graph/v1/circle_events_pb.js';
export * from './gen/onair/social_graph/v1/follow_events_pb.js';
export * from './gen/onair/social_graph/v1/block_events_pb.js';
export * from './gen/onair/social_graph/v1/social_graph_service_pb.js';
export {
  BroadcastCreatedEvent,
  BroadcastWentLiveEvent,
  BroadcastEndedEvent,
  BroadcastReplayReadyEvent,
  BroadcastExpiredEvent,
  BroadcastStatsUpdatedEvent,
} from './stream-sessions-events.js';
export * from './gen/onair/stream_sessions/v1/broadcast_events_pb.js';
export * from './gen/onair/stream_sessions/v1/stream_sessions_service_pb.js';
export {
  PublisherJoinedEvent,
  PublisherLeftEvent,
  AudienceReportedEvent,
  RecordingFinishedEvent,
  NodeLoadReportedEvent,
} from './media-events.js';
export * from './gen/onair/media/v1/media_events_pb.js';
export {
  ChatMessagePostedEvent,
  HeartsBurstEvent,
  PresenceReportedEvent,
  ViewerMutedEvent,
  ViewerUnmutedEvent,
  RoomSettingsChangedEvent,
  JuryStartedEvent,
  JuryVoteCastEvent,
  JuryVerdictEvent,
  HeartsCountedEvent,
} from './chat-events.js';
export * from './gen/onair/chat/v1/chat_events_pb.js';
export { GoLiveChunkEvent, NotificationsCreatedEvent } from './notification-events.js';
export * from './gen/onair/notifications/v1/notification_events_pb.js';
export { AccountSuspendedEvent, AccountSuspensionLiftedEvent, BroadcastTakenDownEvent } from './ops-events.js';
export * from './gen/onair/ops/v1/ops_events_pb.js';
