// /broadcast: sign in, name the broadcast, go live from the camera (VP8 simulcast + Opus).
import { Device } from 'mediasoup-client';
import { api, getBroadcast, pause, requestTicket, signIn, signallingSocketUrl, type Session } from './api.js';
import { openChat } from './chat-panel.js';
import { Signalling } from './signalling.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);

// Three spatial layers; viewers get the one their bandwidth allows (chosen by the SFU).
const SIMULCAST = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

let session: Session | undefined;
let broadcastId: string | undefined;
let signalling: Signalling | undefined;
let media: MediaStream | undefined;

/**
 * Why the SFU may end a live publisher's connection while the broadcast goes on: its node shuts
 * down (scale-down), its worker died, or the network dropped it. The page then publishes again
 * with a new ticket (stream-sessions picks a node that admits it), well within the 60 s after which
 * a broadcast whose publisher is gone ends; viewers follow (their pages join again).
 */
const REPUBLISH_AFTER = new Set(['SFU.SHUTTING_DOWN', 'SFU.WORKER_DIED', 'SFU.DISCONNECTED']);
const REPUBLISH_ATTEMPTS = 20;

let chatOpened = false;

async function goLive() {
  if (!session) throw new Error('sign in first');
  // One attempt at a time, and a fresh state for it: a second click while the first attempt
  // is still connecting would otherwise put two broadcasts live from one page.
  ($('golive') as HTMLButtonElement).disabled = true;
  document.body.dataset.state = 'starting';
  status('going live…');
  const title = ($('title') as HTMLInputElement).value.trim() || 'Untitled broadcast';
  // A retry (say, no SFU node was ready yet) goes live with the broadcast already created.
  if (!broadcastId) {
    const created = await api<{ id: string }>('POST', '/v1/broadcasts', { title, topics: [], language: 'en', visibility: 'public' }, session);
    broadcastId = created.id;
  }
  if (!media || media.getTracks().some((t) => t.readyState === 'ended')) {
    media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 }, audio: true });
    ($('preview') as HTMLVideoElement).srcObject = media;
  }
  await publish(session, broadcastId, media);

  const watch = `${location.origin}/watch/${broadcastId}`;
  const link = $('watch') as HTMLAnchorElement;
  link.href = watch;
  link.textContent = watch;
  ($('end') as HTMLButtonElement).disabled = false;
  document.body.dataset.broadcastId = broadcastId;
  document.body.dataset.state = 'live';
  // The broadcaster's chat (once per broadcast: a republish keeps it).
  if (!chatOpened) {
    chatOpened = true;
    void openChat(session, broadcastId).catch((err: Error) => ($('chat-state').textContent = `chat: ${err.message}`));
  }
  status('live');
}

/** A publish ticket, the SFU node it names, and the camera's video (3 layers) and audio there. */
async function publish(session: Session, id: string, media: MediaStream) {
  const grant = await requestTicket(session, id, 'publish');
  signalling?.close(); // a failed attempt's connection
  const connection = (signalling = await Signalling.open(signallingSocketUrl(grant)));
  document.body.dataset.nodeId = grant.nodeId;
  const device = new Device();
  const { rtpCapabilities } = await connection.request('getRouterRtpCapabilities');
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  const params = await connection.request('createWebRtcTransport', { direction: 'send' });
  const transport = device.createSendTransport(params);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    connection.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
    connection.request<{ id: string }>('produce', { transportId: transport.id, kind, rtpParameters, appData: { ...appData } }).then(({ id }) => done({ id }), fail);
  });
  // Video first: mediasoup-client negotiates the first m-section with it. The camera's tracks
  // outlive this transport (stopTracks: false): publishing again reuses them.
  await transport.produce({ track: media.getVideoTracks()[0], encodings: SIMULCAST, codecOptions: { videoGoogleStartBitrate: 1000 }, stopTracks: false });
  await transport.produce({ track: media.getAudioTracks()[0], stopTracks: false });
  await untilAdmittingViewers(session, id);
  connection.on('close', ({ reason }: { reason: string }) => {
    transport.close();
    // Ours (end, a new attempt) or the broadcast's end: nothing to do.
    if (connection !== signalling || document.body.dataset.state !== 'live') return;
    if (REPUBLISH_AFTER.has(reason || 'SFU.DISCONNECTED')) void republish(session, id, media);
    else interrupted(reason);
  });
}

/** Publishes again after the SFU node went away; the person is asked to go live again only if that fails. */
async function republish(session: Session, id: string, media: MediaStream) {
  document.body.dataset.state = 'reconnecting';
  let failure = '';
  for (let attempt = 1; attempt <= REPUBLISH_ATTEMPTS; attempt++) {
    status(`the connection to the SFU ended; publishing again (attempt ${attempt})…${failure}`);
    try {
      await publish(session, id, media);
      document.body.dataset.state = 'live';
      status('live');
      return;
    } catch (err) {
      failure = ` (last: ${(err as Error).message})`;
      await pause(1500);
    }
  }
  interrupted('SFU.UNREACHABLE');
}

function interrupted(reason: string) {
  document.body.dataset.state = 'interrupted';
  status(`the connection to the SFU ended (${reason}): go live again within a minute to resume`);
  ($('golive') as HTMLButtonElement).disabled = false;
}

/**
 * Viewers get tickets once stream-sessions marks the broadcast live, which it does when the SFU's
 * publisher-joined event reaches it over Kafka: only then is "live" true for the audience.
 */
async function untilAdmittingViewers(session: Session, id: string) {
  status('connecting to the audience…');
  const giveUpAt = Date.now() + 30_000;
  while ((await getBroadcast(session, id)).state === 'created') {
    if (Date.now() > giveUpAt) throw new Error('the platform has not confirmed the broadcast as live within 30 s');
    await pause(250);
  }
}

async function end() {
  if (!session || !broadcastId) return;
  await api('POST', `/v1/broadcasts/${broadcastId}/end`, {}, session);
  signalling?.close();
  document.body.dataset.state = 'ended';
  status('ended');
}

function guard(fn: () => Promise<void>) {
  return () =>
    fn().catch((err: Error) => {
      // Going live (or again, after an interruption) failed: the person may try again.
      const over = document.body.dataset.state === 'ended';
      document.body.dataset.state = 'error';
      status(`error: ${err.message}`);
      ($('golive') as HTMLButtonElement).disabled = over || !session;
    });
}

$('signin').addEventListener(
  'click',
  guard(async () => {
    session = await signIn(($('login') as HTMLInputElement).value, ($('password') as HTMLInputElement).value);
    status(`signed in as ${session.handle}`);
    ($('golive') as HTMLButtonElement).disabled = false;
  }),
);
$('golive').addEventListener('click', guard(goLive));
$('end').addEventListener('click', guard(end));
