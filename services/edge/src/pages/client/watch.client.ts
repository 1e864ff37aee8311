// /watch/<broadcastId>: sign in, get a consume ticket, receive the broadcast over WebRTC.
import { Device } from 'mediasoup-client';
import type { Consumer, Transport } from 'mediasoup-client/types';
import { ApiError, pause, requestTicket, signIn, signallingSocketUrl, type Session, type TicketGrant } from './api.js';
import { Signalling, SignallingError } from './signalling.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const broadcastId = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const player = $('player') as HTMLVideoElement;
const stream = new MediaStream();
const consumers: Consumer[] = [];
/** When joining began (ticket request) and when the first video frame was shown (page clock). */
const join = { startedAt: 0, firstFrameAt: 0 };

/** For people, the end-to-end test and `bench join`: decoded frames, time from join to first frame. */
(window as unknown as { onair: unknown }).onair = {
  joinToFirstFrameMs(): number | null {
    return join.firstFrameAt > 0 ? join.firstFrameAt - join.startedAt : null;
  },
  async framesDecoded(): Promise<number> {
    let frames = 0;
    for (const consumer of consumers.filter((c) => c.kind === 'video')) {
      (await consumer.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp') frames += s.framesDecoded ?? 0;
      });
    }
    return frames;
  },
};

async function consume(signalling: Signalling, device: Device, transport: Transport, producerId: string) {
  const params = await signalling.request('consume', { transportId: transport.id, producerId, rtpCapabilities: device.rtpCapabilities });
  const consumer = await transport.consume(params);
  consumers.push(consumer);
  stream.addTrack(consumer.track);
  player.srcObject = stream;
  if (consumer.kind === 'video' && !join.firstFrameAt) {
    player.requestVideoFrameCallback(() => (join.firstFrameAt = performance.now()));
  }
  await signalling.request('resumeConsumer', { consumerId: consumer.id });
}

class BroadcastOver extends Error {}

/**
 * A consume ticket; while the broadcast is not live yet (created, or its publisher-joined event
 * is still on its way to stream-sessions), the page waits for it rather than failing.
 */
async function consumeTicket(session: Session): Promise<TicketGrant> {
  for (;;) {
    join.startedAt = performance.now();
    try {
      return await requestTicket(session, broadcastId, 'consume');
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'STREAM_SESSIONS.BROADCAST_NOT_LIVE') throw err;
      if (err.details.state !== 'created') throw new BroadcastOver();
      document.body.dataset.state = 'waiting';
      status('waiting for the broadcast to start…');
      await pause(1000);
    }
  }
}

/** Refusals that a new ticket may get past: stream-sessions places the viewer again. */
const RETRY_ELSEWHERE = new Set(['SFU.RELAY_UNAVAILABLE', 'SFU.DRAINING', 'SFU.ROOM_FULL']);

/** A ticket, then the SFU node it names, until that node admits us; its `joined` producers. */
async function joinRoom(session: Session): Promise<{ signalling: Signalling; producers: Array<{ producerId: string }> }> {
  for (let attempt = 1; ; attempt++) {
    const grant = await consumeTicket(session);
    // The SFU node stream-sessions placed this viewer on (the publisher's, or one relaying it).
    document.body.dataset.nodeId = grant.nodeId;
    status('connecting to the SFU…');
    const signalling = await Signalling.open(signallingSocketUrl(grant));
    try {
      // The SFU's first frame: who we are and the producers already in the room.
      const { producers } = await signalling.next<{ producers: Array<{ producerId: string }> }>('joined');
      return { signalling, producers };
    } catch (err) {
      if (!(err instanceof SignallingError) || !RETRY_ELSEWHERE.has(err.code) || attempt >= 5) throw err;
      status('trying another SFU node…');
      await pause(1000);
    }
  }
}

async function watch(login: string, password: string) {
  status('signing in…');
  const session = await signIn(login, password);
  status('asking to watch…');
  const { signalling, producers } = await joinRoom(session);
  const device = new Device();
  const { rtpCapabilities } = await signalling.request('getRouterRtpCapabilities');
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  const params = await signalling.request('createWebRtcTransport', { direction: 'recv' });
  const transport = device.createRecvTransport(params);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    signalling.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  signalling.on('producerAdded', ({ producerId }) => void consume(signalling, device, transport, producerId));
  signalling.on('consumerClosed', ({ consumerId }) => consumers.find((c) => c.id === consumerId)?.close());
  signalling.on('broadcastEnded', showEnded);
  status('receiving the broadcast…');
  for (const { producerId } of producers) await consume(signalling, device, transport, producerId);
  document.body.dataset.state = 'watching';
  status('watching');
}

function showEnded() {
  document.body.dataset.state = 'ended';
  status('the broadcast has ended');
}

$('signin').addEventListener('click', () => {
  watch(($('login') as HTMLInputElement).value, ($('password') as HTMLInputElement).value).catch((err: Error) => {
    if (err instanceof BroadcastOver) return showEnded();
    document.body.dataset.state = 'error';
    status(`error: ${err.message}`);
  });
});
