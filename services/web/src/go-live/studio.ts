// Going live from the camera: a broadcast in stream-sessions, a publish ticket, then VP8
// simulcast + Opus to the SFU node the ticket names; publishing again when that node goes away.
import { computed, signal } from '@preact/signals';
import { Device } from 'mediasoup-client';
import { describeError, errorCode } from '../api/error-words';
import { markPage } from '../app/page-marks';
import { pause } from '../app/timing';
import { AvoidedNodes, retryDelayMs } from '../sfu/avoided-nodes';
import { requestTicket, signallingSocketUrl } from '../sfu/media-ticket';
import { Signalling } from '../sfu/signalling';
import { createBroadcast, endBroadcast, getBroadcast, type BroadcastDraft } from '../broadcasts/broadcasts.api';
import { endReasonOf, TAKEN_DOWN_WORDS, type EndReason } from '../broadcasts/end-reason';

// Three spatial layers; viewers get the one their bandwidth allows (chosen by the SFU).
const SIMULCAST = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
const CAMERA: MediaStreamConstraints = { video: { width: 1280, height: 720, frameRate: 30 }, audio: true };

/**
 * Why the SFU may end a live publisher's connection while the broadcast goes on: its node shuts
 * down (scale-down), its worker died, or the network dropped it. The page then publishes again
 * with a new ticket (stream-sessions picks a node that admits it), well within the 60 s after which
 * a broadcast whose publisher is gone ends; viewers follow (their pages join again).
 */
const REPUBLISH_AFTER = new Set(['SFU.SHUTTING_DOWN', 'SFU.WORKER_DIED', 'SFU.DISCONNECTED']);
const REPUBLISH_ATTEMPTS = 20;

export type StudioState = 'idle' | 'starting' | 'live' | 'reconnecting' | 'interrupted' | 'ended' | 'error';

export class Studio {
  readonly state = signal<StudioState>('idle');
  readonly status = signal('');
  readonly broadcastId = signal<string | undefined>(undefined);
  readonly camera = signal<MediaStream | undefined>(undefined);
  /** Once ended, this page goes live no more (a new broadcast is a new visit to the page). */
  readonly over = signal(false);
  /** Why the broadcast ended when it was not this page that ended it (taken_down: by OnAir's operators). */
  readonly endReason = signal<EndReason | undefined>(undefined);
  readonly canGoLive = computed(() => !this.over.value && ['idle', 'error', 'interrupted'].includes(this.state.value));
  private signalling?: Signalling;
  private opening?: Promise<MediaStream>;
  /** Nodes lost or refusing lately: publishing again asks placement to leave them out. */
  private readonly avoid = new AvoidedNodes();
  /** The node the last publish attempt went to. */
  private nodeId?: string;

  /** The camera's preview before going live; a refusal is shown, and going live asks again. */
  async preview(): Promise<void> {
    try {
      await this.openCamera();
    } catch (err) {
      this.status.value = cameraProblem(err);
    }
  }

  async goLive(draft: BroadcastDraft): Promise<void> {
    // One attempt at a time, and a fresh state for it: a second click while the first attempt
    // is still connecting would otherwise put two broadcasts live from one page.
    this.show('starting', 'going live…');
    try {
      // A retry (say, no SFU node was ready yet) goes live with the broadcast already created.
      const id = this.broadcastId.value ?? (await createBroadcast(draft)).id;
      this.broadcastId.value = id;
      const camera = await this.openCamera().catch((err: unknown) => {
        throw new Error(cameraProblem(err));
      });
      await this.publish(id, camera);
      markPage({ broadcastId: id });
      this.show('live', 'live');
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * A broadcast for an encoder (OBS over WHIP) instead of this page's camera: created, not
   * published from here; the encoder panel then shows its WHIP URL and stream key.
   */
  async prepareForEncoder(draft: BroadcastDraft): Promise<void> {
    if (this.broadcastId.value) return;
    try {
      this.broadcastId.value = (await createBroadcast(draft)).id;
      markPage({ broadcastId: this.broadcastId.value });
      this.status.value = 'Created: go live from your encoder with the server URL and stream key below.';
    } catch (err) {
      this.fail(err);
    }
  }

  async end(): Promise<void> {
    const id = this.broadcastId.value;
    if (!id) return;
    try {
      await endBroadcast(id);
      this.over.value = true;
      this.signalling?.close();
      this.show('ended', 'ended');
    } catch (err) {
      this.fail(err);
    }
  }

  /** The page is left: stop publishing and let go of the camera (the broadcast ends on its own after 60 s). */
  close(): void {
    this.over.value = true;
    this.signalling?.close();
    for (const track of this.camera.value?.getTracks() ?? []) track.stop();
  }

  /** The camera, opened once: going live while the preview is still opening waits for it. */
  private openCamera(): Promise<MediaStream> {
    const current = this.camera.value;
    if (current && current.getTracks().every((t) => t.readyState === 'live')) return Promise.resolve(current);
    this.opening ??= navigator.mediaDevices
      .getUserMedia(CAMERA)
      .then((opened) => {
        if (this.over.value) opened.getTracks().forEach((t) => t.stop());
        else this.camera.value = opened;
        return opened;
      })
      .finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** A publish ticket, the SFU node it names, and the camera's video (3 layers) and audio there. */
  private async publish(id: string, media: MediaStream): Promise<void> {
    const grant = await requestTicket(id, 'publish', this.avoid.list());
    this.signalling?.close(); // a failed attempt's connection
    this.nodeId = grant.nodeId;
    const connection = (this.signalling = await Signalling.open(signallingSocketUrl(grant)));
    markPage({ nodeId: grant.nodeId });
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
    await this.untilAdmittingViewers(id);
    // Ended elsewhere (OnAir's operators took it down, or it was over already): this page is done.
    connection.on('broadcastEnded', (data: { reason?: unknown }) => {
      if (connection !== this.signalling) return;
      this.over.value = true;
      this.endReason.value = endReasonOf(data?.reason);
      if (this.endReason.value) markPage({ endReason: this.endReason.value });
      this.show('ended', this.endReason.value === 'taken_down' ? TAKEN_DOWN_WORDS : 'The broadcast has ended.');
    });
    connection.on('close', ({ reason }: { reason: string }) => {
      transport.close();
      // Ours (end, a new attempt, leaving the page) or the broadcast's end: nothing to do.
      if (connection !== this.signalling || this.state.value !== 'live') return;
      if (!REPUBLISH_AFTER.has(reason || 'SFU.DISCONNECTED')) return this.interrupted(reason);
      // Its node is gone or going (a worker that died is rebuilt on the same node).
      if (reason !== 'SFU.WORKER_DIED') this.avoid.add(grant.nodeId);
      void this.republish(id, media);
    });
  }

  /** Publishes again after the SFU node went away; the person is asked to go live again only if that fails. */
  private async republish(id: string, media: MediaStream): Promise<void> {
    let failure = '';
    for (let attempt = 1; attempt <= REPUBLISH_ATTEMPTS && !this.over.value; attempt++) {
      this.show('reconnecting', `The connection to the video server ended; publishing again (attempt ${attempt})…${failure}`);
      try {
        await this.publish(id, media);
        this.show('live', 'live');
        return;
      } catch (err) {
        failure = ` (last: ${describeError(err)})`;
        // A node that could not be reached or refused: the next ticket names another.
        if ((err as { code?: string }).code !== 'STREAM_SESSIONS.NO_SFU_AVAILABLE') this.avoid.add(this.nodeId);
        else this.avoid.clear();
        await pause(retryDelayMs(attempt));
      }
    }
    if (!this.over.value) this.interrupted('SFU.UNREACHABLE');
  }

  /**
   * Viewers get tickets once stream-sessions marks the broadcast live, which it does when the SFU's
   * publisher-joined event reaches it over Kafka: only then is "live" true for the audience.
   */
  private async untilAdmittingViewers(id: string): Promise<void> {
    this.status.value = 'connecting to the audience…';
    const giveUpAt = Date.now() + 30_000;
    while ((await getBroadcast(id)).state === 'created') {
      if (Date.now() > giveUpAt) throw new Error('OnAir has not confirmed the broadcast as live within 30 s. Try again.');
      await pause(250);
    }
  }

  private interrupted(reason: string): void {
    this.show('interrupted', `${describeError({ code: reason, message: reason })} Go live again within a minute to resume.`);
  }

  /** Going live (or again, after an interruption) failed: the person may try again. */
  private fail(err: unknown): void {
    markPage({ errorCode: errorCode(err) });
    this.show('error', describeError(err));
  }

  private show(state: StudioState, status: string): void {
    if (state !== 'error') markPage({ errorCode: undefined });
    markPage({ state });
    this.state.value = state;
    this.status.value = status;
  }
}

function cameraProblem(err: unknown): string {
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'NotAllowedError') return 'OnAir may not use the camera or microphone. Allow them in the browser (the icon by the address), then try again.';
  if (name === 'NotFoundError') return 'No camera or microphone was found.';
  if (name === 'NotReadableError') return 'The camera or microphone is in use by another application.';
  return `The camera could not be opened (${(err as Error)?.message ?? err}).`;
}
