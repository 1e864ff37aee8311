// /watch/<broadcastId>: sign in, get a consume ticket, receive the broadcast over WebRTC.
import { Device } from 'mediasoup-client';
import type { Consumer, Transport } from 'mediasoup-client/types';
import { ApiError, pause, requestTicket, signIn, signallingSocketUrl, type Session, type TicketGrant } from './api.js';
import { openChat } from './chat-panel.js';
import { Signalling, SignallingError } from './signalling.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const broadcastId = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const player = $('player') as HTMLVideoElement;
const stream = new MediaStream();
const consumers: Consumer[] = [];
/**
 * When the last join began (ticket request) and its first video frame was shown (page clock), and
 * how many times the page has joined the room (more than once after the SFU closed it: a rejoin).
 */
const join = { startedAt: 0, firstFrameAt: 0, count: 0 };

/** For people, the end-to-end test and `bench join`: decoded frames, time from join to first frame. */
(window as unknown as { onair: unknown }).onair = {
  joinToFirstFrameMs(): number | null {
    return join.firstFrameAt > 0 ? join.firstFrameAt - join.startedAt : null;
  },
  joins(): number {
    return join.count;
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

/**
 * Refusals that a new ticket may get past: stream-sessions places the viewer again (another
 * node, or the node its publisher moved to). SFU.DISCONNECTED: the node named cannot be reached
 * (it went away after its last load report); NO_SFU_AVAILABLE: no node has reported lately.
 */
const RETRY_ELSEWHERE = new Set([
  'SFU.RELAY_UNAVAILABLE',
  'SFU.DRAINING',
  'SFU.ROOM_FULL',
  'SFU.NO_WORKER',
  'SFU.DISCONNECTED',
  'STREAM_SESSIONS.NO_SFU_AVAILABLE',
]);

/**
 * Why the SFU may end a watching viewer's connection while the broadcast goes on: its node shuts
 * down (scale-down), its worker died, the node it relayed from went away, or the network dropped
 * it. The page then joins again with a new ticket (SIGNALLING.md, "Other closes by the SFU").
 */
const REJOIN_AFTER = new Set(['SFU.SHUTTING_DOWN', 'SFU.WORKER_DIED', 'SFU.ORIGIN_LOST', 'SFU.DISCONNECTED']);
/** How many tickets one join tries: a rejoin waits longer, while its broadcast's nodes settle. */
const FIRST_JOIN_ATTEMPTS = 5;
const REJOIN_ATTEMPTS = 30;

/** A ticket, then the SFU node it names, until that node admits us; its `joined` producers. */
async function joinRoom(session: Session, attempts: number): Promise<{ signalling: Signalling; producers: Array<{ producerId: string }> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const grant = await consumeTicket(session);
      // The SFU node stream-sessions placed this viewer on (the publisher's, or one relaying it).
      document.body.dataset.nodeId = grant.nodeId;
      status('connecting to the SFU…');
      const signalling = await Signalling.open(signallingSocketUrl(grant));
      // The SFU's first frame: who we are and the producers already in the room.
      const { producers } = await signalling.next<{ producers: Array<{ producerId: string }> }>('joined');
      return { signalling, producers };
    } catch (err) {
      const code = err instanceof SignallingError || err instanceof ApiError ? err.code : '';
      if (!RETRY_ELSEWHERE.has(code) || attempt >= attempts) throw err;
      status('trying another SFU node…');
      await pause(1000);
    }
  }
}

/**
 * One stay in the room: joins, consumes what the publisher sends, and resolves with the code the
 * SFU closed the connection with (or SFU.BROADCAST_ENDED once the broadcast has ended).
 */
async function watchOnce(session: Session, attempts: number): Promise<string> {
  const { signalling, producers } = await joinRoom(session, attempts);
  let broadcastEnded = false;
  let closedWith: string | undefined;
  const closed = new Promise<string>((resolve) =>
    signalling.on('close', ({ reason }: { reason: string }) => {
      closedWith = broadcastEnded ? 'SFU.BROADCAST_ENDED' : reason || 'SFU.DISCONNECTED';
      resolve(closedWith);
    }),
  );
  const device = new Device();
  let transport: Transport | undefined;
  try {
    const { rtpCapabilities } = await signalling.request('getRouterRtpCapabilities');
    await device.load({ routerRtpCapabilities: rtpCapabilities });
    const params = await signalling.request('createWebRtcTransport', { direction: 'recv' });
    const recv = (transport = device.createRecvTransport(params));
    recv.on('connect', ({ dtlsParameters }, done, fail) => {
      signalling.request('connectWebRtcTransport', { transportId: recv.id, dtlsParameters }).then(() => done(), fail);
    });
    signalling.on('producerAdded', ({ producerId }) => void consume(signalling, device, recv, producerId));
    signalling.on('consumerClosed', ({ consumerId }) => consumers.find((c) => c.id === consumerId)?.close());
    signalling.on('broadcastEnded', () => {
      broadcastEnded = true;
      showEnded();
    });
    status('receiving the broadcast…');
    for (const { producerId } of producers) await consume(signalling, device, recv, producerId);
    join.count++;
    document.body.dataset.state = 'watching';
    status('watching');
  } catch (err) {
    // The SFU closed the connection while we were setting up: that close decides what comes next.
    if (closedWith === undefined) throw err;
  }
  const reason = await closed;
  // The room is gone, and its consumers with it; the next join brings new ones.
  transport?.close();
  for (const consumer of consumers.splice(0)) stream.removeTrack(consumer.track);
  player.srcObject = null;
  join.firstFrameAt = 0;
  return reason;
}

async function watch(login: string, password: string) {
  status('signing in…');
  const session = await signIn(login, password);
  // The chat runs beside the video, on its own: a video problem does not close it, nor the other way round.
  void openChat(session, broadcastId).catch((err: Error) => ($('chat-state').textContent = `chat: ${err.message}`));
  status('asking to watch…');
  let reason = await watchOnce(session, FIRST_JOIN_ATTEMPTS);
  while (REJOIN_AFTER.has(reason)) {
    document.body.dataset.state = 'reconnecting';
    status('the connection to the SFU ended; joining again…');
    reason = await watchOnce(session, REJOIN_ATTEMPTS);
  }
  if (reason !== 'SFU.BROADCAST_ENDED') throw new Error(`the SFU ended the connection (${reason})`);
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
