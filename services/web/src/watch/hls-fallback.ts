// When the watch page gives up on WebRTC and plays the broadcast's live HLS instead (live-hls.ts).
import type { Transport } from 'mediasoup-client/types';

/** Our own code for a recv transport that never connected: ICE or DTLS cannot get through from here. */
export const WEBRTC_UNREACHABLE = 'CLIENT.WEBRTC_UNREACHABLE';

/** From the transport starting to connect until it must have: ICE and DTLS take well under a second, seconds on a loaded machine. */
const CONNECT_TIMEOUT_MS = 15_000;

/** Thrown out of a join to say: watch over HLS now (`code`: why). */
export class UseHls extends Error {
  constructor(readonly code: string) {
    super(`watching over HLS (${code})`);
  }
}

/**
 * Decides from the refusals of one watch whether WebRTC is out of reach: the broadcast's relay
 * tree has no room left for this viewer, or media cannot connect. One SFU.ROOM_FULL is not it:
 * placement then tries another node of the tree. SFU.ROOM_FULL twice and then
 * STREAM_SESSIONS.NO_SFU_AVAILABLE (placement's answer when the full node is avoided and no other
 * can take the viewer), or SFU.ROOM_FULL a third time, is. Any other refusal means nodes are
 * changing (a crash, a drain) and the count starts again, as it does once watching.
 */
export class HlsFallback {
  private roomFull = 0;

  /** True when `code` (a refusal, or why a join ended) means: watch over HLS. */
  after(code: string): boolean {
    if (code === WEBRTC_UNREACHABLE) return true;
    if (code === 'SFU.ROOM_FULL') this.roomFull++;
    else if (code !== 'STREAM_SESSIONS.NO_SFU_AVAILABLE') this.roomFull = 0;
    return this.roomFull >= 3 || (this.roomFull >= 2 && code === 'STREAM_SESSIONS.NO_SFU_AVAILABLE');
  }

  watching(): void {
    this.roomFull = 0;
  }
}

/** Calls `unreachable` when `transport`, once connecting, fails or has not connected in time. */
export function whenUnreachable(transport: Transport, unreachable: () => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let connected = false;
  const giveUp = () => {
    clearTimeout(timer);
    if (!connected && !transport.closed) unreachable();
  };
  transport.on('connectionstatechange', (state) => {
    if (state === 'connecting' && !timer) timer = setTimeout(giveUp, CONNECT_TIMEOUT_MS);
    if (state === 'connected') connected = true;
    if (state === 'connected' || state === 'closed') clearTimeout(timer);
    if (state === 'failed') giveUp();
  });
}
