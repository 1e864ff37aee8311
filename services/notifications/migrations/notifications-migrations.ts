import { CreateKafkaOutboxTables1763769600000 } from '@onair/kafka';
import { CreateNotifications1765700000001 } from './1765700000001-create-notifications.js';
import { CreateTakenDownBroadcast1767100000003 } from './1767100000003-create-taken-down-broadcast.js';

/** Every migration of notifications' schema, oldest first (run at boot). */
export const notificationsMigrations = [CreateKafkaOutboxTables1763769600000, CreateNotifications1765700000001, CreateTakenDownBroadcast1767100000003];
