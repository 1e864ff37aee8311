import { fromBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { EventDescriptor } from '@onair/contracts';
import type { Consumer, IHeaders } from 'kafkajs';
import type { TestContext } from './test-context.js';

export interface CollectedEvent<D extends DescMessage> {
  message: MessageShape<D>;
  key: string | null;
  headers: Record<string, string>;
  partition: number;
}

/**
 * Reads one event type from its (prefixed) topic with a plain kafkajs consumer: an observer
 * outside the service under test, as another service would be.
 */
export class EventCollector<D extends DescMessage> {
  readonly events: CollectedEvent<D>[] = [];
  private constructor(readonly consumer: Consumer) {}

  /**
   * `options.topic` (unprefixed) reads the event from another topic than its own, e.g. a
   * consumer group's dead-letter topic `<group>.dlq` (which must exist already).
   */
  static async start<D extends DescMessage>(ctx: TestContext, descriptor: EventDescriptor<D>, options: { topic?: string } = {}): Promise<EventCollector<D>> {
    const consumer = ctx.kafka().consumer({ groupId: `${ctx.topicPrefix}collector-${Math.random()}`, maxWaitTimeInMs: 200 });
    const collector = new EventCollector<D>(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: ctx.topicPrefix + (options.topic ?? descriptor.topic), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const headers = stringHeaders(message.headers);
        if (headers.ce_type !== descriptor.name || !message.value) return;
        collector.events.push({ message: fromBinary(descriptor.schema, message.value), key: message.key?.toString() ?? null, headers, partition });
      },
    });
    ctx.onCleanup(() => collector.consumer.disconnect());
    return collector;
  }

  async waitFor(count: number, timeoutMs = 30000): Promise<CollectedEvent<D>[]> {
    await waitUntil(() => this.events.length >= count, timeoutMs, `${count} events (have ${this.events.length})`);
    return this.events;
  }
}

// Decoded here rather than with libs/kafka's helpers: libs/kafka's own tests use this lib, and
// the observer should read the wire format (CloudEvents ce_* headers) as any other consumer would.
function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
}

export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) {
      // A test process that stalled (GC, two busy cores) wakes on its timer before it reads its
      // sockets, so a predicate on what they deliver looks false: one more look after I/O.
      await new Promise((r) => setTimeout(r, 50));
      if (await predicate()) return;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
