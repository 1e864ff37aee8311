// Watching a broadcast: a consume ticket, the SFU node it names, the publisher's producers
// consumed over WebRTC; joining again (with a new ticket) when the node goes away; the live HLS
// when WebRTC is out of reach (the tree is full, or media cannot connect: hls-fallback.ts).
import { signal } from '@preact/signals';
import { Device } from 'mediasoup-client';
import type { Consumer, Transport } from 'mediasoup-client/types';
import { ApiError } from '../api/api-client';
import { describeError } from '../api/error-words';
import { markPage } from '../app/page-marks';
import { pause } from '../app/timing';
import { AvoidedNodes, retryDelayMs } from '../sfu/avoided-nodes';
import { requestTicket, signallingSocketUrl, type TicketGrant } from '../sfu/media-ticket';
import { Signalling, SignallingError, type Joined } from '../sfu/signalling';
import { endReasonOf, TAKEN_DOWN_WORDS, type EndReason } from '../broadcasts/end-reason';
import { HlsFallback, UseHls, WEBRTC_UNREACHABLE, whenUnreachable } from './hls-fallback';

export type ViewerState = 'idle' | 'waiting' | 'connecting' | 'watching' | 'reconnecting' | 'ended' | 'error';

/**
 * Refusals that a new ticket may get past: stream-sessions places the viewer again (another
 * node, or the node its publisher moved to). SFU.DISCONNECTED: the node named cannot be reached
 * (it went away after its last load report); NO_SFU_AVAILABLE: no node has reported lately.
 */
const RETRY_ELSEWHERE = new Set(['SFU.RELAY_UNAVAILABLE', 'SFU.DRAINING', 'SFU.ROOM_FULL', 'SFU.NO_WORKER', 'SFU.DISCONNECTED', 'STREAM_SESSIONS.NO_SFU_AVAILABLE']);

/**
 * Why the SFU may end a watching viewer's connection while the broadcast goes on: its node shuts
 * down (scale-down), its worker died, the node it relayed from went away, or the network dropped
 * it. The page then joins again with a new ticket (SIGNALLING.md, "Other closes by the SFU").
 */
const REJOIN_AFTER = new Set(['SFU.SHUTTING_DOWN', 'SFU.WORKER_DIED', 'SFU.ORIGIN_LOST', 'SFU.DISCONNECTED']);
/** Refusals by a node that is full, going or unreachable: the next tickets should name another (SFU.NO_WORKER is a worker being replaced: it passes). */
const AVOID_AFTER = new Set(['SFU.DRAINING', 'SFU.ROOM_FULL', 'SFU.DISCONNECTED']);
/** Ends after which the node itself is gone or going: the next tickets should name another. */
const NODE_GONE = new Set(['SFU.SHUTTING_DOWN', 'SFU.DISCONNECTED']);
/** How many tickets one join tries: a rejoin waits longer, while its broadcast's nodes settle. */
const FIRST_JOIN_ATTEMPTS = 5;
const REJOIN_ATTEMPTS = 30;

class BroadcastOver extends Error {
  constructor(readonly reason?: EndReason) {
    super('the broadcast is over');
  }
}
class Left extends Error {}

/**
 * For people, the end-to-end test and `bench join`: decoded frames, time from join to first
 * frame, joins, of the viewer on the page. Defined as soon as the watch page loads, before
 * anyone signs in, so a test can poll it from the start.
 */
const onPage: { viewer?: Viewer } = {};
(window as unknown as { onair: unknown }).onair = {
  joinToFirstFrameMs: () => onPage.viewer?.joinToFirstFrameMs() ?? null,
  joins: () => onPage.viewer?.joins() ?? 0,
  framesDecoded: () => onPage.viewer?.framesDecoded() ?? Promise.resolve(0),
};

export class Viewer {
  readonly state = signal<ViewerState>('idle');
  readonly status = signal('');
  /** Why the broadcast ended, once it has and the SFU or stream-sessions said (taken_down: by OnAir's operators). */
  readonly endReason = signal<EndReason | undefined>(undefined);
  /** What the video element plays: the consumers' tracks, added as they come. */
  readonly stream = new MediaStream();
  private readonly consumers: Consumer[] = [];
  /**
   * When the last join's last ticket request and its first ticket request (retries and refusals
   * before its first frame included) were made, when its first video frame was shown; how many joins.
   */
  private readonly join = { startedAt: 0, firstFrameAt: 0, count: 0 };
  private video?: HTMLVideoElement;
  private signalling?: Signalling;
  private left = false;
  /** Nodes this page lost or was refused by lately: its ticket requests ask placement to leave them out. */
  private readonly avoid = new AvoidedNodes();
  /** The node the current (or last) join went to. */
  private nodeId?: string;
  private readonly fallback = new HlsFallback();
  /** Stops the live HLS, once the page plays it. */
  private stopHls?: () => void;

  constructor(private readonly broadcastId: string) {
    onPage.viewer = this;
  }

  attach(video: HTMLVideoElement | null): void {
    this.video = video ?? undefined;
  }

  /** Watches until the broadcast ends (or the page is left); failures end up in `status`. */
  async watch(): Promise<void> {
    try {
      this.show('connecting', 'asking to watch…');
      let reason = await this.watchOnce(FIRST_JOIN_ATTEMPTS);
      // Setups the node refused after admitting us (SFU.ROOM_FULL at consume): bounded retries.
      let refusedSetups = 0;
      while (REJOIN_AFTER.has(reason) || (RETRY_ELSEWHERE.has(reason) && ++refusedSetups < REJOIN_ATTEMPTS)) {
        if (NODE_GONE.has(reason) || AVOID_AFTER.has(reason)) this.avoid.add(this.nodeId);
        if (RETRY_ELSEWHERE.has(reason)) await pause(retryDelayMs(refusedSetups));
        this.show('reconnecting', 'the connection to the video server ended; joining again…');
        reason = await this.watchOnce(REJOIN_ATTEMPTS);
      }
      if (reason !== 'SFU.BROADCAST_ENDED') throw new SignallingError(reason, `the video server ended the connection (${reason})`);
    } catch (err) {
      if (err instanceof Left) return;
      if (err instanceof BroadcastOver) return this.showEnded(err.reason);
      if (err instanceof UseHls) return this.watchOverHls(err.code);
      markPage({ errorCode: (err as { code?: string }).code });
      this.show('error', describeError(err));
    }
  }

  leave(): void {
    this.left = true;
    if (onPage.viewer === this) onPage.viewer = undefined;
    this.signalling?.close();
    this.stopHls?.();
    for (const consumer of this.consumers.splice(0)) consumer.close();
  }

  /** Time from the last join's ticket request to its first video frame shown, once shown. */
  joinToFirstFrameMs(): number | null {
    return this.join.firstFrameAt > 0 ? this.join.firstFrameAt - this.join.startedAt : null;
  }

  joins(): number {
    return this.join.count;
  }

  async framesDecoded(): Promise<number> {
    let frames = 0;
    for (const consumer of this.consumers.filter((c) => c.kind === 'video')) {
      (await consumer.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp') frames += s.framesDecoded ?? 0;
      });
    }
    return frames;
  }

  /**
   * One stay in the room: joins, consumes what the publisher sends, and resolves with the code the
   * SFU closed the connection with (or SFU.BROADCAST_ENDED once the broadcast has ended).
   */
  private async watchOnce(attempts: number): Promise<string> {
    const { signalling, producers, rtpCapabilities: routerCaps } = await this.joinRoom(attempts);
    let broadcastEnded = false;
    let closedWith: string | undefined;
    /** A refusal of a later consume (the publisher's Producer arriving at a full Router): we leave, and join elsewhere. */
    let refusedWith: string | undefined;
    const closed = new Promise<string>((resolve) =>
      signalling.on('close', ({ reason }: { reason: string }) => {
        closedWith = broadcastEnded ? 'SFU.BROADCAST_ENDED' : (refusedWith ?? (reason || 'SFU.DISCONNECTED'));
        resolve(closedWith);
      }),
    );
    const device = new Device();
    let transport: Transport | undefined;
    try {
      // A node of an earlier release may not send them with joined.
      const rtpCapabilities = routerCaps ?? (await signalling.request('getRouterRtpCapabilities')).rtpCapabilities;
      await device.load({ routerRtpCapabilities: rtpCapabilities });
      const params = await signalling.request('createWebRtcTransport', { direction: 'recv' });
      const recv = (transport = device.createRecvTransport(params));
      whenUnreachable(recv, () => {
        if (closedWith) return;
        refusedWith = WEBRTC_UNREACHABLE;
        signalling.close();
      });
      recv.on('connect', ({ dtlsParameters }, done, fail) => {
        signalling.request('connectWebRtcTransport', { transportId: recv.id, dtlsParameters }).then(() => done(), fail);
      });
      signalling.on('producerAdded', ({ producerId }) =>
        this.consume(signalling, device, recv, producerId).catch((err: unknown) => {
          if (!(err instanceof SignallingError) || !RETRY_ELSEWHERE.has(err.code) || closedWith) return;
          refusedWith = err.code;
          signalling.close();
        }),
      );
      signalling.on('consumerClosed', ({ consumerId }) => this.consumers.find((c) => c.id === consumerId)?.close());
      signalling.on('broadcastEnded', (data: { reason?: unknown }) => {
        broadcastEnded = true;
        this.showEnded(endReasonOf(data?.reason));
      });
      this.status.value = 'receiving the broadcast…';
      // All at once: their consume requests travel together and mediasoup-client makes the
      // Consumers that arrive meanwhile in one SDP exchange; one after another, a viewer
      // rejoining on a busy device (a node lost under its whole audience) waited for each in turn.
      // Settled, not raced: a Consumer made after a refusal still goes with this join's cleanup.
      const consumed = await Promise.allSettled(producers.map(({ producerId }) => this.consume(signalling, device, recv, producerId)));
      const refused = consumed.find((outcome) => outcome.status === 'rejected');
      if (refused) throw refused.reason;
      this.join.count++;
      this.fallback.watching();
      this.show('watching', 'watching');
    } catch (err) {
      // The SFU closed the connection while we were setting up: that close decides what comes next.
      // A refusal that another node may not give (full): this node is left, and the caller joins again.
      const code = err instanceof SignallingError ? err.code : '';
      if (closedWith === undefined && !RETRY_ELSEWHERE.has(code)) throw err;
      if (closedWith === undefined) {
        closedWith = code;
        signalling.close();
      }
    }
    const reason = closedWith && RETRY_ELSEWHERE.has(closedWith) ? closedWith : await closed;
    // The room is gone, and its consumers with it; the next join brings new ones.
    transport?.close();
    for (const consumer of this.consumers.splice(0)) this.stream.removeTrack(consumer.track);
    if (this.video) this.video.srcObject = null;
    this.join.firstFrameAt = 0;
    if (this.left) throw new Left();
    if (this.fallback.after(reason)) throw new UseHls(reason);
    return reason;
  }

  /** A ticket, then the SFU node it names, until that node admits us; its `joined` producers. */
  private async joinRoom(attempts: number): Promise<{ signalling: Signalling } & Joined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const grant = await this.consumeTicket();
        // The SFU node stream-sessions placed this viewer on (the publisher's, or one relaying it).
        this.nodeId = grant.nodeId;
        markPage({ nodeId: grant.nodeId });
        this.status.value = 'connecting to the video server…';
        const signalling = (this.signalling = await Signalling.open(signallingSocketUrl(grant)));
        if (this.left) signalling.close();
        // The SFU's first frame: who we are, the producers already in the room, its capabilities.
        return { signalling, ...(await signalling.next<Joined>('joined')) };
      } catch (err) {
        if (this.left) throw new Left();
        const code = err instanceof SignallingError || err instanceof ApiError ? err.code : '';
        if (this.fallback.after(code)) throw new UseHls(code);
        if (!RETRY_ELSEWHERE.has(code) || attempt >= attempts) throw err;
        // The node could not get the broadcast from its parent: avoid that one (placement then
        // re-attaches our node elsewhere); otherwise the node we were sent to.
        if (code === 'SFU.RELAY_UNAVAILABLE') this.avoid.add((err as SignallingError).details.originNodeId);
        else if (AVOID_AFTER.has(code)) this.avoid.add(this.nodeId);
        else if (code === 'STREAM_SESSIONS.NO_SFU_AVAILABLE') this.avoid.clear();
        this.status.value = 'trying another video server…';
        await pause(retryDelayMs(attempt));
      }
    }
  }

  /**
   * A consume ticket; while the broadcast is not live yet (created, or its publisher-joined event
   * is still on its way to stream-sessions), the page waits for it rather than failing.
   */
  private async consumeTicket(): Promise<TicketGrant> {
    for (;;) {
      if (this.left) throw new Left();
      this.join.startedAt = performance.now();
      try {
        return await requestTicket(this.broadcastId, 'consume', this.avoid.list());
      } catch (err) {
        // Opened after the takedown: no ticket, and the page says why.
        if (err instanceof ApiError && err.code === 'STREAM_SESSIONS.BROADCAST_TAKEN_DOWN') throw new BroadcastOver('taken_down');
        if (!(err instanceof ApiError) || err.code !== 'STREAM_SESSIONS.BROADCAST_NOT_LIVE') throw err;
        if (err.details.state !== 'created') throw new BroadcastOver();
        // Waiting for the broadcast to start is not joining yet.
        this.show('waiting', 'waiting for the broadcast to start…');
        await pause(1000);
      }
    }
  }

  private async consume(signalling: Signalling, device: Device, transport: Transport, producerId: string): Promise<void> {
    const params = await signalling.request('consume', { transportId: transport.id, producerId, rtpCapabilities: device.rtpCapabilities });
    const consumer = await transport.consume(params);
    this.consumers.push(consumer);
    this.stream.addTrack(consumer.track);
    const video = this.video;
    if (video) video.srcObject = this.stream;
    if (video && consumer.kind === 'video' && !this.join.firstFrameAt) {
      video.requestVideoFrameCallback(() => (this.join.firstFrameAt = performance.now()));
    }
    await signalling.request('resumeConsumer', { consumerId: consumer.id });
  }

  /** The same broadcast over HLS, a few seconds behind (live-hls.ts, loaded now: hls.js is large). */
  private async watchOverHls(why: string): Promise<void> {
    this.show('connecting', 'switching to HLS…');
    const { hlsStatus, playLiveHls } = await import('./live-hls');
    if (this.left || !this.video) return;
    this.stopHls = playLiveHls(this.video, this.broadcastId, {
      playing: () => this.show('watching', hlsStatus(why)),
      ended: (reason) => this.showEnded(reason),
      failed: (err) => {
        markPage({ errorCode: (err as { code?: string }).code });
        this.show('error', describeError(err));
      },
    });
  }

  private showEnded(reason?: EndReason): void {
    // A later end without a reason (the socket's close) keeps the one the SFU gave.
    if (reason) this.endReason.value = reason;
    if (!this.left && this.endReason.value) markPage({ endReason: this.endReason.value });
    this.show('ended', this.endReason.value === 'taken_down' ? TAKEN_DOWN_WORDS : 'the broadcast has ended');
  }

  private show(state: ViewerState, status: string): void {
    if (this.left) return;
    markPage({ state });
    this.state.value = state;
    this.status.value = status;
  }
}
