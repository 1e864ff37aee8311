import { Logger } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readAmf0 } from './amf0.js';
import { avcProfileLevelId, FLV_HEADER, flvTag, isAvc, isConstrainedBaseline, TAG_AUDIO, TAG_SCRIPT, TAG_VIDEO } from './flv.js';
import type { RtmpMessage } from './rtmp-chunk-reader.js';
import { RtmpRefusal, type ReadFlow, type RtmpPublisher } from './rtmp-connection.js';
import { ffmpegArgs, type FfmpegPlan } from './rtmp-ffmpeg.js';
import { broadcastOfKey, IngestRefusedError, requestRtmpGrant, startPlainPublish, stopPlainPublish, type RtmpGrant } from './rtmp-ingest.client.js';
import type { PlainPublishAnswer } from '../plain-publish/plain-publish-session.js';

export interface RtmpPublishOptions {
  streamSessionsUrl: string;
  ffmpegBin: string;
  /** From the publish to the first video (H.264: its sequence header, the first thing an encoder sends). */
  firstFrameTimeoutMs: number;
  /** Tags held before ffmpeg runs (a few seconds at most), and queued on ffmpeg's stdin. */
  maxBufferedBytes: number;
}

const VIDEO_PT = 102;
// ffmpeg's -ssrc is a signed 32-bit option: SSRCs stay below 2^31.
const newSsrc = () => randomInt(1, 2 ** 31 - 1);
const AUDIO_PT = 111;

/**
 * One encoder's RTMP publish, from `publish(<stream key>)` to its end. stream-sessions checks the
 * key and places the publisher (the node that takes the media: this one or another); once the
 * H.264 sequence header says which profile the encoder sends, the placed node's plain-publish
 * endpoint is called (over HTTP even when it is this node: one path) with the RTP parameters,
 * and ffmpeg turns the FLV tags into RTP for it: H.264 copied when Constrained Baseline,
 * transcoded to it otherwise; AAC (or any audio) to Opus. The encoder going away, ffmpeg
 * exiting and the node refusing all end everything: the node's session, ffmpeg, the socket.
 */
export class RtmpPublishSession implements RtmpPublisher {
  private readonly log = new Logger('RtmpPublishSession');
  private phase: 'waiting' | 'starting' | 'running' | 'ended' = 'waiting';
  private held: Buffer[] = [];
  private heldBytes = 0;
  private hasAudio = false;
  private ffmpeg?: ChildProcess;
  private node?: PlainPublishAnswer;
  private readonly firstFrameTimer: NodeJS.Timeout;
  private paused = false;

  private constructor(
    readonly broadcastId: string,
    private readonly grant: RtmpGrant,
    private readonly flow: ReadFlow,
    private readonly options: RtmpPublishOptions,
  ) {
    this.firstFrameTimer = setTimeout(() => this.end('no video in time'), options.firstFrameTimeoutMs);
  }

  /** Checks the key and places the publisher; a refusal is the onStatus the encoder sees. */
  static async open(key: string, flow: ReadFlow, options: RtmpPublishOptions): Promise<RtmpPublishSession> {
    const broadcastId = broadcastOfKey(key);
    if (!broadcastId) throw new RtmpRefusal('NetStream.Publish.BadName', 'STREAM_SESSIONS.STREAM_KEY_INVALID: the stream name must be the stream key');
    try {
      return new RtmpPublishSession(broadcastId, await requestRtmpGrant(options.streamSessionsUrl, broadcastId, key), flow, options);
    } catch (err) {
      if (err instanceof IngestRefusedError && err.status === 401) throw new RtmpRefusal('NetStream.Publish.BadName', `${err.code}: wrong or rotated stream key`);
      const code = err instanceof IngestRefusedError ? err.code : 'SFU.STREAM_SESSIONS_UNREACHABLE';
      throw new RtmpRefusal('NetStream.Publish.Failed', code);
    }
  }

  media(message: RtmpMessage): void {
    if (this.phase === 'ended') return;
    if (message.type === TAG_AUDIO) this.hasAudio = true;
    if (message.type === TAG_SCRIPT && this.phase === 'waiting') this.readMetadata(message.payload);
    const tag = flvTag(message.type, message.timestamp, message.payload);
    if (this.phase === 'running') return this.write(tag);
    this.heldBytes += tag.length;
    if (this.heldBytes > this.options.maxBufferedBytes) return this.end('too much media before the first frame');
    this.held.push(tag);
    if (message.type !== TAG_VIDEO || this.phase !== 'waiting') return;
    // H.264 waits for its sequence header (the profile decides copy or transcode); any other
    // codec ffmpeg reads (HEVC over enhanced RTMP, VP6, …) is transcoded from its first tag.
    const profile = avcProfileLevelId(message.payload);
    if (profile || !isAvc(message.payload)) void this.begin(profile);
  }

  end(reason = 'the encoder stopped'): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    clearTimeout(this.firstFrameTimer);
    this.held = [];
    this.log.log(`RTMP publisher of broadcast ${this.broadcastId} ended: ${reason}`);
    this.ffmpeg?.kill('SIGKILL');
    if (this.node) {
      stopPlainPublish(this.grant, this.node.sessionId).catch((err: Error) => this.log.warn(`ending the node's session: ${err.message}`));
    }
    this.flow.close(reason);
  }

  /** ffmpeg's FLV demuxer learns the streams as tags come; metadata says early whether audio will. */
  private readMetadata(payload: Buffer): void {
    try {
      const values = readAmf0(payload);
      const meta = values.find((v) => v && typeof v === 'object' && !Array.isArray(v)) as Record<string, unknown> | undefined;
      if (meta && meta.audiocodecid !== undefined && meta.audiocodecid !== null) this.hasAudio = true;
    } catch {
      // Unreadable metadata says nothing; the tags still do.
    }
  }

  /** `profileLevelId`: the H.264 stream's; undefined for another codec. */
  private async begin(profileLevelId: string | undefined): Promise<void> {
    this.phase = 'starting';
    clearTimeout(this.firstFrameTimer);
    const copyVideo = profileLevelId !== undefined && isConstrainedBaseline(profileLevelId);
    const plan: FfmpegPlan = {
      copyVideo,
      video: { payloadType: VIDEO_PT, ssrc: newSsrc() },
      ...(this.hasAudio ? { audio: { payloadType: AUDIO_PT, ssrc: newSsrc() } } : {}),
    };
    this.log.log(
      `RTMP publisher of broadcast ${this.broadcastId} on node ${this.grant.nodeId}: ${profileLevelId ? `H.264 ${profileLevelId}` : 'not H.264'} ` +
        (copyVideo ? 'copied (Constrained Baseline)' : 'transcoded to Constrained Baseline (libx264 ultrafast zerolatency)') +
        (plan.audio ? ', audio transcoded to Opus' : ', no audio'),
    );
    try {
      this.node = await startPlainPublish(this.grant, {
        video: { ...plan.video, profileLevelId: copyVideo && profileLevelId ? profileLevelId : '42e01f' },
        ...(plan.audio ? { audio: plan.audio } : {}),
      });
    } catch (err) {
      return this.end(`the node refused: ${(err as Error).message}`);
    }
    if (this.phase !== 'starting') {
      stopPlainPublish(this.grant, this.node.sessionId).catch(() => undefined);
      return;
    }
    this.startFfmpeg(plan, this.node);
  }

  private startFfmpeg(plan: FfmpegPlan, node: PlainPublishAnswer): void {
    // An empty environment: the node's secrets (relay secret, TLS paths) are none of ffmpeg's business.
    const ffmpeg = spawn(this.options.ffmpegBin, ffmpegArgs(plan, node), { stdio: ['pipe', 'ignore', 'pipe'], env: {} });
    this.ffmpeg = ffmpeg;
    let stderr = '';
    ffmpeg.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    ffmpeg.stdin?.on('error', () => undefined);
    ffmpeg.once('error', (err) => this.end(`ffmpeg did not start: ${err.message}`));
    ffmpeg.once('exit', (code) => this.end(`ffmpeg exited (${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    this.phase = 'running';
    this.write(FLV_HEADER);
    for (const tag of this.held) this.write(tag);
    this.held = [];
  }

  /** Into ffmpeg; while it is behind, the encoder's socket is not read (TCP pushes back). */
  private write(bytes: Buffer): void {
    const stdin = this.ffmpeg?.stdin;
    if (!stdin || stdin.destroyed) return;
    if (!stdin.write(bytes) && !this.paused) {
      this.paused = true;
      this.flow.pause();
      stdin.once('drain', () => {
        this.paused = false;
        this.flow.resume();
      });
    }
    // What one read of the socket held still goes in while paused: bounded all the same.
    if (stdin.writableLength > this.options.maxBufferedBytes) this.end('ffmpeg is too far behind');
  }
}
