import type { EntityManager } from 'typeorm';

/**
 * What a handler receives beside the decoded event. `manager` is the transaction in which the
 * event is marked processed: state changes made through it commit together with that mark,
 * so a redelivered event is applied once in effect.
 */
export interface KafkaEventContext {
  readonly eventId: string;
  readonly eventName: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly manager: EntityManager;
}
