import { CreateKafkaOutboxTables1763769600000 } from '@onair/kafka';
import { CreateOps1767000000001 } from './1767000000001-create-ops.js';
import { CreateBroadcastTakedown1767100000002 } from './1767100000002-create-broadcast-takedown.js';
import { CreateAccountSuspension1767250000003 } from './1767250000003-create-account-suspension.js';
import { CreateStaffRole1767400000004 } from './1767400000004-create-staff-role.js';

/** Every migration of ops' schema, oldest first (run at boot). */
export const opsMigrations = [CreateKafkaOutboxTables1763769600000, CreateOps1767000000001, CreateBroadcastTakedown1767100000002, CreateAccountSuspension1767250000003, CreateStaffRole1767400000004];
