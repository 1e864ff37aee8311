import { ValidationFailedError } from '@onair/errors';
import type { types } from 'mediasoup';
import type { Participant } from '../participant/participant.js';
import { MediaParametersRejectedError } from '../participant/participant.errors.js';
import { UnknownMethodError } from './signalling.errors.js';
import { isMethod, MethodParams, type Method, type ParamsOf } from './signalling-protocol.js';

type Handlers = { [M in Method]: (p: Participant, params: ParamsOf<M>) => Promise<unknown> };

// One line per method of SIGNALLING.md; the participant owns every decision.
const handlers: Handlers = {
  getRouterRtpCapabilities: async (p) => ({ rtpCapabilities: p.room.router.rtpCapabilities }),
  createWebRtcTransport: (p, { direction }) => p.createWebRtcTransport(direction),
  connectWebRtcTransport: async (p, { transportId, dtlsParameters }) =>
    p.connectWebRtcTransport(transportId, dtlsParameters as types.DtlsParameters),
  produce: async (p, { transportId, kind, rtpParameters }) => ({
    id: await p.produce(transportId, kind, rtpParameters as unknown as types.RtpParameters),
  }),
  consume: (p, { transportId, producerId, rtpCapabilities }) =>
    p.consume(transportId, producerId, rtpCapabilities as unknown as types.RtpCapabilities),
  resumeConsumer: (p, { consumerId }) => p.resumeConsumer(consumerId),
  restartIce: async (p, { transportId }) => ({ iceParameters: await p.restartIce(transportId) }),
  setPreferredLayers: (p, { consumerId, spatialLayer, temporalLayer }) =>
    p.setPreferredLayers(consumerId, spatialLayer, temporalLayer),
  leave: async () => ({}),
};

/** Validates a request's params against its method and runs it. */
export async function handleRequest(participant: Participant, method: string, params: unknown): Promise<unknown> {
  if (!isMethod(method)) throw new UnknownMethodError(method);
  const parsed = MethodParams[method].safeParse(params);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: ['params', ...i.path].join('.'), issue: i.message }));
    // A publisher's media description outside what the SFU takes (codec, parameters, encodings):
    // the same code as mediasoup's own refusals, with the fields named.
    if (fields.every((f) => f.field === 'params.rtpParameters' || f.field.startsWith('params.rtpParameters.'))) {
      throw new MediaParametersRejectedError(`rtpParameters refused: ${fields.map((f) => f.field).join(', ')}`, fields);
    }
    throw new ValidationFailedError(fields);
  }
  const handler = handlers[method] as (p: Participant, params: unknown) => Promise<unknown>;
  return handler(participant, parsed.data);
}
