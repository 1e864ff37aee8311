import { Logger } from '@nestjs/common';
import type { types } from 'mediasoup';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Room } from '../room/room.js';
import { summarizePlaylist, type PlaylistSummary } from './hls-playlist.js';
import { PlaylistPublisher } from './playlist-publisher.js';
import { recordingSdp, type RecordedStream } from './recording-sdp.js';
import type { ReplayWriter } from '@onair/replay-store';

/** The recording's simulcast layer: the middle one (360p from a 180p/360p/720p publisher). */
const RECORDED_SPATIAL_LAYER = 1;
const SEGMENT_SECONDS = 2;
/** Key frames asked for right after ffmpeg listens (it cannot decode VP8 before one), then rarely, to recover from loss. */
const KEY_FRAME_REQUESTS_MS = [0, 500, 1000];
const KEY_FRAME_RECOVERY_MS = 10_000;

/**
 * One recording of one broadcast: for each of the publisher's Producers a PlainTransport
 * (comedia off, RTCP on its own port) whose Consumer sends RTP to ffmpeg, which transcodes VP8
 * to H.264 360p (libx264 ultrafast: cheap, and playable by any HLS player, unlike VP8) and
 * Opus to AAC, and writes HLS with 2 s segments (key frames forced every 2 s) into the replay
 * store: a growing EVENT playlist (published by PlaylistPublisher, which corrects ffmpeg's
 * wall-clock stamps), served as the live HLS while the broadcast is live. `stop()`
 * ends ffmpeg, which writes the last segment, and makes the playlist VOD: the same segments are
 * the replay.
 */
export class Recorder {
  private readonly log = new Logger('Recorder');
  private readonly timers: NodeJS.Timeout[] = [];
  private exited: Promise<number | null>;
  private stderrTail = '';

  private constructor(
    readonly room: Room,
    private readonly sdpDir: string,
    private readonly transports: types.PlainTransport[],
    private readonly consumers: types.Consumer[],
    private readonly ffmpeg: ChildProcess,
    private readonly playlist: PlaylistPublisher,
    /** ffmpeg's RTP port per stream (its RTCP port is the next one). */
    private readonly rtpPorts: number[],
  ) {
    this.exited = new Promise((resolve) => ffmpeg.once('exit', (code) => resolve(code)));
    ffmpeg.stderr?.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000)));
  }

  /** `slots`: consumer slots already held on the room's Router (taken one per stream, before reserving more). */
  static async start(room: Room, store: ReplayWriter, ffmpegBin: string, slots: Array<() => void> = []): Promise<Recorder> {
    const dir = await store.dirFor(room.broadcastId);
    const sdpDir = await mkdtemp(join(tmpdir(), 'onair-recording-'));
    const transports: types.PlainTransport[] = [];
    const consumers: types.Consumer[] = [];
    const streams: RecordedStream[] = [];
    let playlist: PlaylistPublisher | undefined;
    try {
      for (const producer of room.producers.values()) {
        const rtpPort = await freePortPair();
        const transport = await room.router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: false });
        transports.push(transport);
        await transport.connect({ ip: '127.0.0.1', port: rtpPort, rtcpPort: rtpPort + 1 });
        const release = slots.shift() ?? room.reserveConsumer(room.router);
        const consumer = await transport
          .consume({ producerId: producer.id, rtpCapabilities: recordingCapabilities(room.router, producer.kind), paused: true })
          .finally(release);
        if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer: RECORDED_SPATIAL_LAYER });
        consumers.push(consumer);
        streams.push({ kind: producer.kind, rtpPort, rtpParameters: consumer.rtpParameters });
      }
      const sdp = join(sdpDir, 'input.sdp');
      await writeFile(sdp, recordingSdp(streams));
      playlist = await PlaylistPublisher.open(dir);
      playlist.watch();
      const ffmpeg = spawn(ffmpegBin, ffmpegArgs(sdp, dir, playlist.ffmpegPlaylist, streams), { stdio: ['ignore', 'ignore', 'pipe'] });
      const recorder = new Recorder(room, sdpDir, transports, consumers, ffmpeg, playlist, streams.map((s) => s.rtpPort));
      await recorder.listening();
      await recorder.flow();
      return recorder;
    } catch (err) {
      for (const t of transports) t.close();
      await playlist?.close();
      await rm(sdpDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Stops ffmpeg (it writes its last segment) and leaves a VOD playlist. */
  async stop(): Promise<PlaylistSummary> {
    for (const t of this.timers) clearTimeout(t);
    // ffmpeg 5.1 acts on SIGINT between packets only, and a second SIGINT would abort its
    // writes (an empty playlist). Once the publisher is gone no packet comes, and its RTP input
    // would wait 10 s for one: an RTCP BYE on every stream ends that input at once, cleanly
    // (last segment, trailer). A publisher who returns records again only after this.
    if (this.ffmpeg.exitCode === null) this.ffmpeg.kill('SIGINT');
    for (const t of this.transports) t.close();
    if (this.ffmpeg.exitCode === null) await sendRtcpBye(this.rtpPorts.map((p) => p + 1));
    const kill = setTimeout(() => this.ffmpeg.kill('SIGKILL'), 30_000);
    const code = await this.exited;
    clearTimeout(kill);
    if (code !== 0 && code !== 255) this.log.warn(`ffmpeg for ${this.room.broadcastId} exited with ${code}: ${this.stderrTail}`);
    await rm(this.sdpDir, { recursive: true, force: true });
    const vod = await this.playlist.finish();
    return vod ? summarizePlaylist(vod) : { segments: 0, durationMs: 0, ended: false };
  }

  /** ffmpeg has bound every RTP port (our own bind fails) or exited. */
  private async listening(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (this.ffmpeg.exitCode !== null) throw new Error(`ffmpeg exited at start: ${this.stderrTail}`);
      const bound = await Promise.all(this.rtpPorts.map((p) => portTaken(p)));
      if (bound.every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('ffmpeg did not open its RTP ports within 10 s');
  }

  private async flow(): Promise<void> {
    // When the first packet goes to ffmpeg, the media starts (PlaylistPublisher's stamps).
    for (const consumer of this.consumers) {
      await consumer.enableTraceEvent(['rtp']);
      consumer.once('trace', (trace) => {
        this.playlist.mediaStarted(wallClockOf(trace.timestamp));
        void consumer.enableTraceEvent([]).catch(() => undefined);
      });
    }
    this.playlist.mediaFlowing();
    for (const consumer of this.consumers) await consumer.resume();
    const video = this.consumers.find((c) => c.kind === 'video');
    if (!video) return;
    const ask = () => void video.requestKeyFrame().catch(() => undefined);
    for (const ms of KEY_FRAME_REQUESTS_MS) this.timers.push(setTimeout(ask, ms));
    const recovery = setInterval(ask, KEY_FRAME_RECOVERY_MS);
    recovery.unref();
    this.timers.push(recovery);
  }
}

/** The worker stamps trace events with uv_hrtime (CLOCK_MONOTONIC), the clock of process.hrtime. */
function wallClockOf(workerMs: number): number {
  return Date.now() - (Number(process.hrtime.bigint() / 1_000_000n) - workerMs);
}

/** Only the producer's codec, without RTX: ffmpeg neither retransmits nor reads RTX. */
function recordingCapabilities(router: types.Router, kind: types.MediaKind): types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).filter((c) => c.kind === kind && !c.mimeType.endsWith('/rtx')),
    headerExtensions: [],
  };
}

function ffmpegArgs(sdp: string, dir: string, playlist: string, streams: RecordedStream[]): string[] {
  const hasVideo = streams.some((s) => s.kind === 'video');
  const hasAudio = streams.some((s) => s.kind === 'audio');
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    '-protocol_whitelist', 'file,udp,rtp',
    // Arrival time as timestamps: RTP timestamps of two streams are only related once RTCP
    // sender reports arrive, and the jump then made ffmpeg duplicate thousands of frames.
    '-use_wallclock_as_timestamps', '1',
    '-i', sdp,
    ...(hasVideo
      ? // Constant 30 fps: frames arrive in bursts under load, and arrival-time stamps that close
        // together made players see non-increasing timestamps.
        ['-map', '0:v:0', '-fps_mode', 'cfr', '-r', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-vf', 'scale=-2:360',
         '-pix_fmt', 'yuv420p', '-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
         // Capped: ultrafast alone gave ~1.6 Mbit/s at 360p, the bytes every live HLS viewer and
         // every replay fetches; 800 kbit/s is ample for 360p.
         '-maxrate', '800k', '-bufsize', '1600k']
      : []),
    // Arrival-time stamps jitter; the resampler turns them into continuous audio (silence for
    // gaps, trimmed overlaps). Packets queued while ffmpeg starts arrive at once with one stamp,
    // and the resampler's output could then step back a few ms: the stamps are rewritten from
    // the sample count (from the first one on), which can only increase.
    ...(hasAudio ? ['-map', '0:a:0', '-af', 'aresample=async=1000,asetpts=N/SR/TB+STARTPTS', '-c:a', 'aac', '-b:a', '96k'] : []),
    '-f', 'hls',
    '-hls_time', String(SEGMENT_SECONDS),
    '-hls_playlist_type', 'event',
    // A publisher who comes back continues the same playlist rather than overwriting it. While
    // live, stream-sessions serves this playlist as the live HLS: each segment carries its
    // wall-clock start (program_date_time: players and the bench measure latency from it), and
    // a segment's name appears only once the segment is complete (temp_file: written as .tmp,
    // renamed, and never rewritten: caches keep it for a day). The playlist itself is always
    // replaced by a rename for an EVENT playlist, so a reader never sees half of one. ffmpeg's
    // stamps are late: PlaylistPublisher publishes this playlist as index.m3u8 with honest ones.
    '-hls_flags', 'append_list+independent_segments+program_date_time+temp_file',
    '-hls_segment_filename', join(dir, 'segment-%05d.ts'),
    playlist,
  ];
}

/**
 * An RTCP BYE to each port: ffmpeg's SDP input ends once every stream has had one. Compound, as
 * RFC 3550 6.1 has it (an empty receiver report, then the BYE of one SSRC): ffmpeg drops any
 * RTP or RTCP packet under 12 bytes, the lone 8-byte BYE included.
 */
async function sendRtcpBye(rtcpPorts: number[]): Promise<void> {
  const bye = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 0, 0x81, 203, 0, 1, 0, 0, 0, 0]);
  const socket = createSocket('udp4');
  try {
    for (const port of rtcpPorts) await new Promise<void>((resolve) => socket.send(bye, port, '127.0.0.1', () => resolve()));
  } finally {
    socket.close();
  }
}

/** An even UDP port whose successor is free too (RTP + RTCP for ffmpeg). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const even = port % 2 === 0 ? port : port + 1;
    if (even + 1 < 65536 && !(await portTaken(even)) && !(await portTaken(even + 1))) return even;
  }
  throw new Error('no free UDP port pair for the recording');
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(true));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}
