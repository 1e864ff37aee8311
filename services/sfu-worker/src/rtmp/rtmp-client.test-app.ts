// Test-only: RTMP as encoders speak it, for the listener's tests: ffmpeg pushing a test pattern,
// and a raw socket that says exactly what a test wants (a bad handshake, silence, huge sizes).
import { waitUntil } from '@onair/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { writeAmf0 } from './amf0.js';

/**
 * ffmpeg pushing 640x360 30 fps H.264 and AAC, as an encoder would. x264 writes the lowest
 * profile its tools need, so ultrafast is Constrained Baseline whatever -profile says; High
 * (CABAC, B-frames: OBS's default) needs a preset that uses them.
 */
export function pushTestPattern(ffmpegBin: string, url: string, profile: 'baseline' | 'high' = 'baseline'): ChildProcess {
  return spawn(
    ffmpegBin,
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', profile === 'high' ? 'veryfast' : 'ultrafast', '-profile:v', profile, '-pix_fmt', 'yuv420p', '-g', '30', '-c:a', 'aac', '-f', 'flv', url,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** How the process ended, and how long after the call it did (or undefined past `ms`). */
export async function exitWithin(child: ChildProcess, ms: number): Promise<{ code: number | null; afterMs: number } | undefined> {
  const started = Date.now();
  if (child.exitCode !== null) return { code: child.exitCode, afterMs: 0 };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, afterMs: Date.now() - started });
    });
  });
}

export class RawRtmp {
  private received: Buffer = Buffer.alloc(0);
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => (this.received = Buffer.concat([this.received, d])));
    socket.on('error', () => undefined);
    socket.once('close', () => (this.closed = true));
  }

  /** `from`: the local address to connect from (any of 127.0.0.0/8), as another encoder would. */
  static async open(port: number, from?: string): Promise<RawRtmp> {
    const socket = connect({ port, host: '127.0.0.1', ...(from ? { localAddress: from } : {}) });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawRtmp(socket);
  }

  /** C0 (version 3) and C1, then C2 once S0/S1/S2 are in. */
  async handshake(): Promise<void> {
    this.socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)]));
    await waitUntil(() => this.received.length >= 3073, 5000, 'S0, S1 and S2');
    this.socket.write(this.received.subarray(1, 1537));
    this.received = this.received.subarray(3073);
  }

  /** One message as fmt-0 chunks on chunk stream 3, split at the default chunk size (128). */
  message(type: number, payload: Buffer, length = payload.length, streamId = 0): void {
    const header = Buffer.alloc(12);
    header[0] = 3;
    header.writeUIntBE(length, 4, 3);
    header[7] = type;
    header.writeUInt32LE(streamId, 8);
    const parts: Buffer[] = [header];
    for (let at = 0; at < payload.length; at += 128) parts.push(...(at ? [Buffer.from([0xc3])] : []), payload.subarray(at, at + 128));
    this.socket.write(Buffer.concat(parts));
  }

  connectCommand(app = 'live'): void {
    this.message(20, writeAmf0('connect', 1, { app, type: 'nonprivate', tcUrl: `rtmp://127.0.0.1/${app}` }));
  }

  text(): string {
    return this.received.toString('latin1');
  }

  async closedWithin(ms: number): Promise<boolean> {
    return waitUntil(() => this.closed, ms, 'the close').then(
      () => true,
      () => false,
    );
  }
}
