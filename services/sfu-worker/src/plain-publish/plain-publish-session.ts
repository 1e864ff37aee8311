import type { VerifiedMediaTicket } from '@onair/media-tickets';
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { BroadcastId } from '../ids.js';
import { Participant } from '../participant/participant.js';
import { joinAsPublisher, openPublisherRoom } from '../participant/publisher-join.js';
import { SilentTransportsWatchdog } from '../participant/silent-transports-watchdog.js';
import type { Rooms } from '../room/rooms.js';
import { audioRtpParameters, videoRtpParameters, type PlainPublishRequest } from './plain-publish-request.js';

export interface PlainPublishSessionOptions {
  keyFrameRequestDelayMs: number;
  /** A sender whose transports have received nothing for this long is gone (SFU_WHIP_MEDIA_TIMEOUT_MS). */
  mediaTimeoutMs: number;
  listenIp: string;
  announcedIp: string;
}

export interface PlainPorts {
  rtpPort: number;
  rtcpPort: number;
}

export interface PlainPublishAnswer {
  /** The session's name and the credential that ends it (DELETE): 256 random bits, never logged. */
  sessionId: string;
  /** Where to send: the node's announced address. */
  ip: string;
  video?: PlainPorts;
  audio?: PlainPorts;
}

/**
 * One publisher sending plain RTP (the RTMP ingest's ffmpeg): a Participant of the broadcast's
 * Room, as a browser or WHIP publisher is, with one PlainTransport per kind. comedia: the node
 * learns the sender's address from its first packet, so the sender needs no port of its own;
 * one transport per kind because ffmpeg sends each kind from its own socket, and comedia locks
 * a transport onto one source. RTCP on its own port (no rtcp-mux): ffmpeg sends its RTCP from
 * another socket than its RTP, which a muxed comedia transport would drop, or worse lock onto.
 * Nothing tells the node that the sender is gone, so silence for `mediaTimeoutMs` ends it.
 */
export class PlainPublishSession {
  readonly id = randomBytes(32).toString('base64url');
  private readonly watchdog: SilentTransportsWatchdog;
  private ended = false;

  private constructor(
    readonly broadcastId: string,
    readonly participant: Participant,
    transports: types.PlainTransport[],
    options: PlainPublishSessionOptions,
    private readonly onEnded: (session: PlainPublishSession) => void,
  ) {
    this.watchdog = new SilentTransportsWatchdog(transports, options.mediaTimeoutMs, () => this.end());
    for (const t of transports) t.observer.once('close', () => this.end());
  }

  static async start(
    rooms: Rooms,
    ticket: VerifiedMediaTicket,
    request: PlainPublishRequest,
    options: PlainPublishSessionOptions,
    onEnded: (s: PlainPublishSession) => void,
  ): Promise<{ session: PlainPublishSession; answer: PlainPublishAnswer }> {
    const room = await openPublisherRoom(rooms, ticket.broadcastId as BroadcastId);
    if (ticket.audience) room.audience ??= ticket.audience;
    let session: PlainPublishSession | undefined;
    // No channel for notifications; being replaced or the room closing ends the session.
    const participant = new Participant(ticket.accountId, 'publisher', room, { notify: () => undefined, close: () => session?.end() }, options.keyFrameRequestDelayMs);
    joinAsPublisher(room, participant);
    const transports: types.PlainTransport[] = [];
    try {
      const kinds = [
        ...(request.video ? [{ kind: 'video' as const, rtpParameters: videoRtpParameters(request.video) }] : []),
        ...(request.audio ? [{ kind: 'audio' as const, rtpParameters: audioRtpParameters(request.audio) }] : []),
      ];
      const answer: PlainPublishAnswer = { sessionId: '', ip: options.announcedIp };
      for (const { kind, rtpParameters } of kinds) {
        const transport = await room.router.createPlainTransport({ listenIp: { ip: options.listenIp, announcedIp: options.announcedIp }, comedia: true, rtcpMux: false });
        transports.push(transport);
        participant.attachTransport(transport, 'send');
        await participant.produce(transport.id, kind, rtpParameters);
        answer[kind] = { rtpPort: transport.tuple.localPort, rtcpPort: transport.rtcpTuple?.localPort ?? transport.tuple.localPort };
      }
      session = new PlainPublishSession(ticket.broadcastId, participant, transports, options, onEnded);
      return { session, answer: { ...answer, sessionId: session.id } };
    } catch (err) {
      participant.close();
      for (const t of transports) t.close();
      throw err;
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.watchdog.stop();
    this.participant.close();
    this.onEnded(this);
  }
}
