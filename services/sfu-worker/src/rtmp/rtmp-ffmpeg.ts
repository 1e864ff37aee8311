import type { PlainPublishAnswer } from '../plain-publish/plain-publish-session.js';

export interface RtpOut {
  payloadType: number;
  ssrc: number;
}

export interface FfmpegPlan {
  /** Copy the H.264 as it is (Constrained Baseline), or transcode it to Constrained Baseline. */
  copyVideo: boolean;
  video: RtpOut;
  audio?: RtpOut;
}

/** Where ffmpeg sends one kind: RTP to the node's PlainTransport, RTCP to its own port (no rtcp-mux). */
const rtpUrl = (ip: string, ports: { rtpPort: number; rtcpPort: number }) =>
  `rtp://${ip.includes(':') ? `[${ip}]` : ip}:${ports.rtpPort}?rtcpport=${ports.rtcpPort}&pkt_size=1200`;

/**
 * ffmpeg reading FLV on stdin and sending RTP to the node's plain-publish transports, with the
 * payload types and SSRCs the node was told. Every argument is ours: numbers, the node's
 * address from its answer (an IP the node's config validated), never the encoder's text.
 * Probing is short (0.5 s): it delays the first picture, not the stream after it.
 */
export function ffmpegArgs(plan: FfmpegPlan, node: PlainPublishAnswer): string[] {
  if (!node.video) throw new Error('the node took no video');
  const video = plan.copyVideo
    ? // SPS/PPS before every key frame: a viewer joining mid-stream needs them in band.
      ['-c:v', 'copy', '-bsf:v', 'h264_mp4toannexb']
    : // Key frames where the encoder put them, and at least every 60 frames (2 s at 30 fps).
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-force_key_frames', 'source', '-g', '60', '-b:v', '2500k', '-maxrate', '3000k', '-bufsize', '3000k'];
  const args = [
    '-hide_banner', '-loglevel', 'warning', '-fflags', 'nobuffer', '-analyzeduration', '500000', '-probesize', '1000000',
    '-f', 'flv', '-i', 'pipe:0',
    '-map', '0:v:0', ...video, '-payload_type', String(plan.video.payloadType), '-ssrc', String(plan.video.ssrc), '-f', 'rtp', rtpUrl(node.ip, node.video),
  ];
  if (plan.audio && node.audio) {
    args.push(
      '-map', '0:a:0', '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '128k', '-application', 'lowdelay',
      '-payload_type', String(plan.audio.payloadType), '-ssrc', String(plan.audio.ssrc), '-f', 'rtp', rtpUrl(node.ip, node.audio),
    );
  }
  return args;
}
