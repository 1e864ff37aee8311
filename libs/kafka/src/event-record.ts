import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { EventDescriptor } from '@onair/contracts';
import type { IHeaders } from 'kafkajs';

/**
 * Event metadata travels in Kafka headers in CloudEvents' binary mode (`ce_*`), the body is
 * the binary protobuf message, the key is the aggregate id.
 */
export const Header = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  specVersion: 'ce_specversion',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

export interface EventRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export function encodeEvent<D extends DescMessage>(
  descriptor: EventDescriptor<D>,
  message: MessageShape<D>,
  meta: { id: string; source: string; time: Date },
): EventRecord {
  return {
    key: descriptor.key(message),
    value: Buffer.from(toBinary(descriptor.schema, message)),
    headers: {
      [Header.id]: meta.id,
      [Header.type]: descriptor.name,
      [Header.source]: meta.source,
      [Header.time]: meta.time.toISOString(),
      [Header.specVersion]: '1.0',
      [Header.contentType]: 'application/protobuf',
    },
  };
}

export function decodeEvent<D extends DescMessage>(descriptor: EventDescriptor<D>, value: Buffer): MessageShape<D> {
  return fromBinary(descriptor.schema, value);
}

/** kafkajs headers (Buffer | string | arrays) as plain strings. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}
