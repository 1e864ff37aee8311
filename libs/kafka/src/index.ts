export { createKafka, createIdempotentProducer, ensureTopics, prefixed, type KafkaOptions } from './kafka-options.js';
export { encodeEvent, decodeEvent, headersToStrings, Header, type EventRecord } from './event-record.js';
export { EventPublisher } from './event-publisher.js';
export { Outbox } from './outbox/outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay.js';
export { CreateKafkaOutboxTables1763769600000 } from './outbox/outbox-tables.migration.js';
export { KafkaOutboxModule, KafkaRuntime, type KafkaOutboxOptions } from './kafka-outbox.module.js';
export {
  KafkaEventServer,
  connectKafkaConsumer,
  createKafkaConsumer,
  deadLetterTopic,
  type KafkaEventServerOptions,
} from './consumer/kafka-event.server.js';
export type { KafkaEventContext } from './consumer/event-context.js';
export { InstanceEventReader, type InstanceEventReaderOptions, type ReadFrom } from './consumer/instance-event-reader.js';
export { EventHandlingError, RetriableEventError, NonRetriableEventError } from './consumer/event-errors.js';
export { OnEvent } from './consumer/on-event.decorator.js';
export { EventBatchConsumer, type BatchEvent, type EventBatchConsumerOptions } from './consumer/event-batch-consumer.js';
