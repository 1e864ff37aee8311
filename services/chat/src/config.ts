import { ChatMessagePostedEvent } from '@onair/contracts';
import { prefixed, type KafkaOptions } from '@onair/kafka';
import { hostname } from 'node:os';
import { z } from 'zod';
import {
  type PostgresConfig,
  type KafkaConfig,
  kafkaConfig,
  kafkaEnv,
  listenEnv,
  type LogLevel,
  observabilityEnv,
  parseEnv,
  postgresConfig,
  postgresEnv,
} from '@onair/config';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const Env = z.object({
  ...listenEnv(7105),
  ...postgresEnv('chat'),
  ...kafkaEnv,
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** stream-sessions' media JWKS: chat tickets are verified locally against it. */
  MEDIA_TICKET_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** This pod's name in presence reports and Kafka group ids (the pod name in Kubernetes). */
  CHAT_POD_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,63}$/)
    .default(() => hostname().replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 63)),
  /**
   * Partitions of chat.messages.v1 (when this service creates it): a room's messages are in one
   * partition, and each pod reads the partitions of the rooms it has sockets in. Many more than
   * pods, so that each pod reads a small share (PROTOCOL.md, "Across pods").
   */
  CHAT_PARTITIONS: int(64, 1, 10_000),
  /** Past this many joined viewers, only the first this-many commenters and followers may write. */
  CHAT_OPEN_COMMENTERS: int(100, 1, 100_000),
  /** Per viewer per room: messages per second on average, and at once. */
  CHAT_MESSAGES_PER_SECOND: z.coerce.number().positive().max(100).default(1),
  CHAT_MESSAGE_BURST: int(5, 1, 100),
  /** Hearts counted toward a broadcast's total, per viewer per broadcast (Periscope's rule). */
  CHAT_HEARTS_PER_VIEWER: int(500, 1, 1_000_000),
  /** How often a pod sends the hearts it received and its presence counts. */
  CHAT_HEARTS_INTERVAL_MS: int(250, 50, 10_000),
  CHAT_PRESENCE_INTERVAL_MS: int(2000, 100, 60_000),
  /** Flash juries: how long jurors have, and mutes after a first and a second conviction. */
  CHAT_JURY_SECONDS: int(10, 1, 600),
  CHAT_JURY_MUTE_SECONDS: int(60, 1, 86_400),
  ...observabilityEnv,
});

export type { LogLevel } from '@onair/config';

export interface ChatConfig {
  httpPort: number;
  httpHost: string;
  database: PostgresConfig;
  kafka: KafkaConfig;
  /** Partitions of the room topic when chat creates it (CHAT_PARTITIONS). */
  roomPartitions: number;
  auth: { jwksUrl: string };
  mediaTicketJwksUrl: string;
  podId: string;
  rules: {
    openCommenters: number;
    messagesPerSecond: number;
    messageBurst: number;
    heartsPerViewer: number;
    juryMs: number;
    juryMuteMs: number;
  };
  intervals: { heartsMs: number; presenceMs: number };
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

export const CHAT_CONFIG = Symbol('ChatConfig');

/** This pod's Kafka client options: the room topic gets CHAT_PARTITIONS partitions when chat creates it. */
export function chatKafkaOptions(config: ChatConfig): KafkaOptions {
  const base = { clientId: `chat-${config.podId}`, ...config.kafka };
  return { ...base, partitions: { [prefixed(base, ChatMessagePostedEvent.topic)]: config.roomPartitions } };
}

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ChatConfig {
  const e = parseEnv('chat', Env, env);
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    roomPartitions: e.CHAT_PARTITIONS,
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    mediaTicketJwksUrl: e.MEDIA_TICKET_JWKS_URL,
    podId: e.CHAT_POD_ID,
    rules: {
      openCommenters: e.CHAT_OPEN_COMMENTERS,
      messagesPerSecond: e.CHAT_MESSAGES_PER_SECOND,
      messageBurst: e.CHAT_MESSAGE_BURST,
      heartsPerViewer: e.CHAT_HEARTS_PER_VIEWER,
      juryMs: e.CHAT_JURY_SECONDS * 1000,
      juryMuteMs: e.CHAT_JURY_MUTE_SECONDS * 1000,
    },
    intervals: { heartsMs: e.CHAT_HEARTS_INTERVAL_MS, presenceMs: e.CHAT_PRESENCE_INTERVAL_MS },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
