import { ValidationFailedError } from '@onair/errors';
import { z } from 'zod';
import { UnknownMethodError } from '../signalling/signalling.errors.js';
import type { RelayDownstream } from './relay-downstream.js';

// The requests a relaying node sends on RELAY_PATH (SIGNALLING.md, "Relaying between nodes").

const Id = z.string().min(1).max(100);

const RelayParams = {
  createPipeTransport: z.strictObject({}),
  connectPipeTransport: z.strictObject({
    transportId: Id,
    ip: z.union([z.ipv4(), z.ipv6()]),
    port: z.number().int().min(1).max(65535),
    srtpParameters: z.strictObject({
      cryptoSuite: z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']),
      keyBase64: z.string().min(1).max(200),
    }),
  }),
  consumeForPipe: z.strictObject({ transportId: Id, producerId: Id }),
  leave: z.strictObject({}),
} as const;

type RelayMethod = keyof typeof RelayParams;

const handlers: { [M in RelayMethod]: (r: RelayDownstream, params: z.infer<(typeof RelayParams)[M]>) => Promise<unknown> } = {
  createPipeTransport: (r) => r.createPipeTransport(),
  connectPipeTransport: (r, { transportId, ...remote }) => r.connectPipeTransport(transportId, remote),
  consumeForPipe: (r, { transportId, producerId }) => r.consume(transportId, producerId),
  leave: async () => ({}),
};

/** Validates a relay request's params against its method and runs it. */
export async function handleRelayRequest(relay: RelayDownstream, method: string, params: unknown): Promise<unknown> {
  if (!Object.hasOwn(RelayParams, method)) throw new UnknownMethodError(method);
  const parsed = RelayParams[method as RelayMethod].safeParse(params);
  if (!parsed.success) {
    throw new ValidationFailedError(parsed.error.issues.map((i) => ({ field: ['params', ...i.path].join('.'), issue: i.message })));
  }
  const handler = handlers[method as RelayMethod] as (r: RelayDownstream, params: unknown) => Promise<unknown>;
  return handler(relay, parsed.data);
}
