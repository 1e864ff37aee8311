import { getOption, hasOption, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { event as eventOption } from './gen/onair/events/v1/event_options_pb.js';

/**
 * One Kafka event: its name, topic, key and protobuf schema, read from the
 * `(onair.events.v1.event)` option of its message in `proto/`.
 */
export interface EventDescriptor<Desc extends DescMessage = DescMessage> {
  /** Past tense and versioned, e.g. `account.created.v1`. */
  readonly name: string;
  /** Versioned topic, e.g. `identity.accounts.v1`. */
  readonly topic: string;
  /** The message schema (binary protobuf on the wire). */
  readonly schema: Desc;
  /** The aggregate id that keys the Kafka record, so one aggregate stays ordered. */
  key(message: MessageShape<Desc>): string;
}

/** Builds the descriptor of a message marked with the `(onair.events.v1.event)` option. */
export function defineEvent<Desc extends DescMessage>(schema: Desc): EventDescriptor<Desc> {
  if (!hasOption(schema, eventOption)) {
    throw new Error(`${schema.typeName} has no (onair.events.v1.event) option`);
  }
  const { name, topic, keyField } = getOption(schema, eventOption);
  const field = schema.fields.find((f) => f.name === keyField);
  if (!field || field.fieldKind !== 'scalar') {
    throw new Error(`${schema.typeName}: key_field "${keyField}" is not a scalar field`);
  }
  const localName = field.localName;
  return {
    name,
    topic,
    schema,
    key: (message) => String((message as Record<string, unknown>)[localName]),
  };
}
