import type { VerifiedMediaTicket } from '@onair/media-tickets';
import type { types } from 'mediasoup';
import { parse } from 'sdp-transform';
import type { BroadcastId } from '../ids.js';
import { Participant } from '../participant/participant.js';
import { joinAsPublisher, openPublisherRoom } from '../participant/publisher-join.js';
import { SilentTransportsWatchdog } from '../participant/silent-transports-watchdog.js';
import type { Rooms } from '../room/rooms.js';
import { writeIceRestartFragment, writeWhipAnswer } from './whip-answer.js';
import { readWhipOffer, type AcceptedMedia, type WhipOffer } from './whip-offer.js';
import { WhipEtagMismatchError, WhipOfferInvalidError } from './whip.errors.js';

export interface WhipSessionOptions {
  keyFrameRequestDelayMs: number;
  /** An encoder whose transport has received nothing for this long is gone (see WhipSession). */
  mediaTimeoutMs: number;
}

export type IceChange = { status: 200; fragment: string; etag: string } | { status: 204; etag: string };

/**
 * One WHIP publisher: a Participant of the broadcast's Room (so it joins, is replaced and leaves
 * exactly as a browser publisher does, with the same events) whose only link is HTTP. Nothing
 * tells the node that an encoder is gone (no socket closes; mediasoup 3.12 has no ICE consent
 * checks), so a transport that has received no bytes for `mediaTimeoutMs` ends the session, as
 * a closed signalling socket would. Ending closes the Participant, its transport and Producers.
 */
export class WhipSession {
  private remoteUfrag?: string;
  private readonly watchdog: SilentTransportsWatchdog;
  private ended = false;

  private constructor(
    readonly broadcastId: string,
    readonly participant: Participant,
    private readonly transport: types.WebRtcTransport,
    private readonly firstSection: AcceptedMedia,
    offer: WhipOffer,
    options: WhipSessionOptions,
    private readonly onEnded: (session: WhipSession) => void,
  ) {
    this.remoteUfrag = offer.iceUfrag;
    this.watchdog = new SilentTransportsWatchdog([transport], options.mediaTimeoutMs, () => this.end());
    transport.observer.once('close', () => this.end());
  }

  /** The publisher joins with the offer's media: a transport, DTLS as offered, a Producer per taken m-section. */
  static async start(rooms: Rooms, ticket: VerifiedMediaTicket, sdp: string, options: WhipSessionOptions, onEnded: (s: WhipSession) => void) {
    const room = await openPublisherRoom(rooms, ticket.broadcastId as BroadcastId);
    let offer: WhipOffer;
    try {
      offer = readWhipOffer(sdp, room.router.rtpCapabilities);
    } catch (err) {
      // Opened for this offer alone: not left behind empty.
      if (room.participants.length === 0) room.close('empty');
      throw err;
    }
    if (ticket.audience) room.audience ??= ticket.audience;
    let session: WhipSession | undefined;
    // A WHIP client has no channel for notifications; being replaced or the room closing ends it.
    const participant = new Participant(ticket.accountId, 'publisher', room, { notify: () => undefined, close: () => session?.end() }, options.keyFrameRequestDelayMs);
    joinAsPublisher(room, participant);
    try {
      const { id } = await participant.createWebRtcTransport('send');
      const transport = participant.webRtcTransport(id as string);
      session = new WhipSession(ticket.broadcastId, participant, transport, offer.taken[0], offer, options, onEnded);
      await participant.connectWebRtcTransport(transport.id, offer.dtlsParameters);
      for (const media of offer.taken) await participant.produce(transport.id, media.kind, media.rtpParameters);
      return { session, answer: writeWhipAnswer(offer, transport) };
    } catch (err) {
      participant.close();
      session?.end();
      throw err;
    }
  }

  get id(): string {
    return this.participant.id;
  }

  /** Changes with every ICE restart (RFC 9725's ETag of the session). */
  get etag(): string {
    return `"${this.transport.iceParameters.usernameFragment}"`;
  }

  /**
   * A PATCH (application/trickle-ice-sdpfrag). New ICE credentials from the encoder: an ICE
   * restart, answered with the node's new ones and its candidates. Only candidates: nothing to
   * do, an ICE-lite node learns the encoder's addresses from its connectivity checks.
   */
  async changeIce(fragment: string, ifMatch: string | undefined): Promise<IceChange> {
    if (ifMatch && ifMatch !== '*' && ifMatch !== this.etag) throw new WhipEtagMismatchError();
    let ufrag: string | undefined;
    try {
      const frag = parse(fragment);
      // sdp-transform reads an all-digit ufrag as a number: compared as text.
      const found = frag.iceUfrag ?? frag.media?.find((m) => m.iceUfrag)?.iceUfrag;
      ufrag = found === undefined ? undefined : String(found);
    } catch {
      throw new WhipOfferInvalidError('not an SDP fragment');
    }
    if (!ufrag || ufrag === this.remoteUfrag) return { status: 204, etag: this.etag };
    this.remoteUfrag = ufrag;
    const ice = await this.participant.restartIce(this.transport.id);
    return { status: 200, fragment: writeIceRestartFragment(ice, this.transport.iceCandidates, this.firstSection), etag: this.etag };
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.watchdog.stop();
    this.participant.close();
    this.onEnded(this);
  }
}
