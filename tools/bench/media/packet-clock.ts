// When each packet of a broadcast passed one socket, keyed so that the same packet is
// recognised on another socket further down the relay path. Every SFU hop rewrites the SSRC and
// the sequence number (each Consumer has its own) but keeps the RTP timestamp, so a packet is
// its kind, its timestamp and its place among the packets of that timestamp (a video frame
// spans several; order holds on loopback). RTX and probation packets (SSRCs not in `kinds`) and
// RTCP are left out.
import { isRtcp } from './ice-lite-bridge.ts';
import type { Kind } from './webrtc-client.ts';

export class PacketClock {
  /** Packet key → when it passed, while recording. */
  readonly times = new Map<string, number>();
  recording = false;
  private readonly kinds: Map<number, Kind>;
  private readonly lastTimestamp = new Map<number, { timestamp: number; index: number }>();

  constructor(kinds: Map<number, Kind>) {
    this.kinds = kinds;
  }

  /** Counts a packet; suits IceLiteBridge's taps. */
  readonly tap = (packet: Buffer, at: number): void => {
    if (isRtcp(packet)) return;
    const ssrc = packet.readUInt32BE(8);
    const kind = this.kinds.get(ssrc);
    if (!kind) return;
    const timestamp = packet.readUInt32BE(4);
    const last = this.lastTimestamp.get(ssrc);
    const index = last && last.timestamp === timestamp ? last.index + 1 : 0;
    this.lastTimestamp.set(ssrc, { timestamp, index });
    const key = `${kind}:${timestamp}:${index}`;
    if (this.recording && !this.times.has(key)) this.times.set(key, at);
  };

  /** Packets of `kind` seen so far (recorded or not). */
  seen(kind: Kind): boolean {
    for (const [ssrc, k] of this.kinds) if (k === kind && this.lastTimestamp.has(ssrc)) return true;
    return false;
  }
}
