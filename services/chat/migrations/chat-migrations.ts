import { CreateKafkaOutboxTables1763769600000 } from '@onair/kafka';
import { CreateChat1765000000001 } from './1765000000001-create-chat.js';

/** Every migration of chat's schema, oldest first (run at boot). */
export const chatMigrations = [CreateKafkaOutboxTables1763769600000, CreateChat1765000000001];
