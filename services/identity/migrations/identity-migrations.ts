import { CreateKafkaOutboxTables1763769600000 } from '@onair/kafka';
import { CreateAccounts1763769600001 } from './1763769600001-create-accounts.js';
import { AuthAndProfiles1763769600002 } from './1763769600002-auth-and-profiles.js';
import { SigningKeyActivation1763769600003 } from './1763769600003-signing-key-activation.js';
import { SignInKnownIps1763769600004 } from './1763769600004-sign-in-known-ips.js';
import { AccountRoles1763769600005 } from './1763769600005-account-roles.js';
import { AccountSuspension1763769600006 } from './1763769600006-account-suspension.js';

/** Every migration of identity's schema, oldest first (run at boot and by operator commands). */
export const identityMigrations = [
  CreateKafkaOutboxTables1763769600000,
  CreateAccounts1763769600001,
  AuthAndProfiles1763769600002,
  SigningKeyActivation1763769600003,
  SignInKnownIps1763769600004,
  AccountRoles1763769600005,
  AccountSuspension1763769600006,
];
