import { BlockCreatedSchema, BlockDeletedSchema } from './gen/onair/social_graph/v1/block_events_pb.js';
import { FollowCreatedSchema, FollowDeletedSchema } from './gen/onair/social_graph/v1/follow_events_pb.js';
import { CircleDeletedSchema, CircleMemberRemovedSchema } from './gen/onair/social_graph/v1/circle_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const FollowCreatedEvent = defineEvent(FollowCreatedSchema);
export const FollowDeletedEvent = defineEvent(FollowDeletedSchema);
export const BlockCreatedEvent = defineEvent(BlockCreatedSchema);
export const BlockDeletedEvent = defineEvent(BlockDeletedSchema);
export const CircleMemberRemovedEvent = defineEvent(CircleMemberRemovedSchema);
export const CircleDeletedEvent = defineEvent(CircleDeletedSchema);
