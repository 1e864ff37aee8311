// /broadcast: sign in, name the broadcast, go live from the camera (VP8 simulcast + Opus).
import { Device } from 'mediasoup-client';
import { api, getBroadcast, pause, requestTicket, signIn, signallingSocketUrl, type Session } from './api.js';
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
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 }, audio: true });
  ($('preview') as HTMLVideoElement).srcObject = media;

  const grant = await requestTicket(session, broadcastId, 'publish');
  signalling?.close(); // a failed attempt's connection
  signalling = await Signalling.open(signallingSocketUrl(grant));
  const device = new Device();
  const { rtpCapabilities } = await signalling.request('getRouterRtpCapabilities');
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  const params = await signalling.request('createWebRtcTransport', { direction: 'send' });
  const transport = device.createSendTransport(params);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    signalling!.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
    signalling!.request<{ id: string }>('produce', { transportId: transport.id, kind, rtpParameters, appData: { ...appData } }).then(({ id }) => done({ id }), fail);
  });
  // Video first: mediasoup-client negotiates the first m-section with it.
  await transport.produce({ track: media.getVideoTracks()[0], encodings: SIMULCAST, codecOptions: { videoGoogleStartBitrate: 1000 } });
  await transport.produce({ track: media.getAudioTracks()[0] });
  await untilAdmittingViewers(session, broadcastId);
  const connection = signalling;
  connection.on('close', ({ reason }: { reason: string }) => {
    // Ours (end, a new attempt) or the broadcast's end: nothing to say. Otherwise the SFU node
    // went away (shutdown, worker died, network): going live again picks a node that admits us,
    // within the 60 s before stream-sessions ends a broadcast whose publisher is gone.
    if (connection !== signalling || document.body.dataset.state !== 'live' || reason === 'SFU.BROADCAST_ENDED') return;
    document.body.dataset.state = 'interrupted';
    status(`the connection to the SFU ended (${reason || 'SFU.DISCONNECTED'}): go live again within a minute to resume`);
    ($('golive') as HTMLButtonElement).disabled = false;
  });

  const watch = `${location.origin}/watch/${broadcastId}`;
  const link = $('watch') as HTMLAnchorElement;
  link.href = watch;
  link.textContent = watch;
  ($('end') as HTMLButtonElement).disabled = false;
  document.body.dataset.broadcastId = broadcastId;
  document.body.dataset.state = 'live';
  status('live');
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
