export { defineEvent, type EventDescriptor } from './event-descriptor.js';
export { AccountCreatedEvent } from './identity-events.js';
export * from './gen/onair/identity/v1/account_events_pb.js';
