import { AccountCreatedSchema, AccountDeletedSchema } from './gen/onair/identity/v1/account_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const AccountCreatedEvent = defineEvent(AccountCreatedSchema);
export const AccountDeletedEvent = defineEvent(AccountDeletedSchema);
