import { CreateKafkaOutboxTables1763769600000 } from '@onair/kafka';
import { CreateChat1765000000001 } from './1765000000001-create-chat.js';
import { CreateChatAccountSuspension1767200000001 } from './1767200000001-create-chat-account-suspension.js';

/** Every migration of chat's schema, oldest first (run at boot). */
export const chatMigrations = [CreateKafkaOutboxTables1763769600000, CreateChat1765000000001, CreateChatAccountSuspension1767200000001];
