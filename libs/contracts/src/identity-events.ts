import { AccountCreatedSchema, AccountDeletedSchema, AccountProfileUpdatedSchema } from './gen/onair/identity/v1/account_events_pb.js';
import { AccountRoleGrantedSchema, AccountRoleRevokedSchema } from './gen/onair/identity/v1/role_events_pb.js';
import { SessionsRevokedSchema } from './gen/onair/identity/v1/session_events_pb.js';
import { defineEvent } from './event-descriptor.js';

export const AccountCreatedEvent = defineEvent(AccountCreatedSchema);
export const AccountProfileUpdatedEvent = defineEvent(AccountProfileUpdatedSchema);
export const AccountDeletedEvent = defineEvent(AccountDeletedSchema);
export const SessionsRevokedEvent = defineEvent(SessionsRevokedSchema);
export const AccountRoleGrantedEvent = defineEvent(AccountRoleGrantedSchema);
export const AccountRoleRevokedEvent = defineEvent(AccountRoleRevokedSchema);
