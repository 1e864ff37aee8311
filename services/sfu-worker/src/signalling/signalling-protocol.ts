import { z } from 'zod';
import { PublishedRtpParameters } from './rtp-parameters.schema.js';

// The wire format of SIGNALLING.md. A publisher's rtpParameters are checked field by field here
// (rtp-parameters.schema.ts: they reach consumers and the recorder's SDP); a viewer's
// rtpCapabilities only for shape, then in full by mediasoup, whose refusals get a stable code too.

const Id = z.string().min(1).max(100);

const DtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.strictObject({ algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']), value: z.string().min(1).max(200) }))
    .min(1)
    .max(10),
});


const RtpCapabilities = z.looseObject({
  codecs: z.array(z.looseObject({ mimeType: z.string(), kind: z.enum(['audio', 'video']), clockRate: z.number().int() })).max(100),
  headerExtensions: z.array(z.looseObject({})).max(100).optional(),
});

export const MethodParams = {
  getRouterRtpCapabilities: z.strictObject({}),
  createWebRtcTransport: z.strictObject({ direction: z.enum(['send', 'recv']) }),
  connectWebRtcTransport: z.strictObject({ transportId: Id, dtlsParameters: DtlsParameters }),
  produce: z.strictObject({
    transportId: Id,
    kind: z.enum(['audio', 'video']),
    rtpParameters: PublishedRtpParameters,
    // Accepted for mediasoup-client's sake and not kept: nothing of it reaches mediasoup.
    appData: z.record(z.string().max(32), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])).optional(),
  }),
  consume: z.strictObject({ transportId: Id, producerId: Id, rtpCapabilities: RtpCapabilities }),
  resumeConsumer: z.strictObject({ consumerId: Id }),
  restartIce: z.strictObject({ transportId: Id }),
  setPreferredLayers: z.strictObject({
    consumerId: Id,
    spatialLayer: z.number().int().min(0).max(2),
    temporalLayer: z.number().int().min(0).max(2).optional(),
  }),
  leave: z.strictObject({}),
} as const;

export type Method = keyof typeof MethodParams;
export type ParamsOf<M extends Method> = z.infer<(typeof MethodParams)[M]>;

/** A client request: `{ "id": 1, "method": "produce", "params": { … } }`. */
export const RequestFrame = z.strictObject({
  id: z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]),
  method: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).optional(),
});
export type RequestFrame = z.infer<typeof RequestFrame>;

export const isMethod = (name: string): name is Method => Object.hasOwn(MethodParams, name);

export interface ErrorPayload {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export const responseFrame = (id: RequestFrame['id'], result: unknown) => JSON.stringify({ id, ok: true, result: result ?? {} });

export const errorFrame = (id: RequestFrame['id'] | null, error: ErrorPayload) => JSON.stringify({ id, ok: false, error });

export const notificationFrame = (notification: string, data: Record<string, unknown>) => JSON.stringify({ notification, data });

/** Largest frame accepted (larger: close 1009); an SDP-sized rtpParameters is a few kB. */
export const MAX_FRAME_BYTES = 64 * 1024;
