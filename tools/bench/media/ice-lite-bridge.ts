// Joins a node's WebRtcTransport to one of the bench's own (a local mediasoup worker, its DTLS
// and SRTP stack) over loopback. Both ends are ICE-lite: neither sends connectivity checks, so
// the bridge is the controlling agent for both (a STUN Binding request with USE-CANDIDATE to
// each, RFC 8445), then forwards DTLS, RTP and RTCP between its two sockets. To the node, the
// bridge's socket is the client's: what crosses it is timed there, on the wire.
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { crc32 } from 'node:zlib';

/** The ICE half of a WebRtcTransport's parameters (what createWebRtcTransport answers). */
export interface IceEndpoint {
  iceParameters: { usernameFragment: string; password: string };
  iceCandidates: Array<{ ip: string; port: number; protocol: string }>;
}

type Tap = (packet: Buffer, at: number) => void;

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const ATTR = { username: 0x0006, messageIntegrity: 0x0008, priority: 0x0024, useCandidate: 0x0025, fingerprint: 0x8028, iceControlling: 0x802a };
const CHECK_TIMEOUT_MS = 5000;

export class IceLiteBridge {
  /** Every RTP/RTCP packet the node sends toward the client, as it arrives. */
  onFromNode?: Tap;
  /** Every RTP/RTCP packet the client sends toward the node, as it leaves. */
  onToNode?: Tap;
  private node?: { ip: string; port: number };
  private local?: { ip: string; port: number };
  private readonly checks = new Map<string, () => void>();
  private readonly ufrag = randomBytes(4).toString('hex');
  private readonly tieBreaker = randomBytes(8);
  private readonly nodeSide: Socket;
  private readonly localSide: Socket;

  private constructor(nodeSide: Socket, localSide: Socket) {
    this.nodeSide = nodeSide;
    this.localSide = localSide;
    nodeSide.on('message', (packet) => {
      if (this.answered(packet)) return;
      if (isRtpOrRtcp(packet)) this.onFromNode?.(packet, performance.now());
      if (this.local) localSide.send(packet, this.local.port, this.local.ip);
    });
    localSide.on('message', (packet) => {
      if (this.answered(packet) || !this.node) return;
      if (isRtpOrRtcp(packet)) this.onToNode?.(packet, performance.now());
      nodeSide.send(packet, this.node.port, this.node.ip);
    });
  }

  static async bind(): Promise<IceLiteBridge> {
    const open = async () => {
      const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
      return socket;
    };
    return new IceLiteBridge(await open(), await open());
  }

  /**
   * Checks the node's end, then ours: once ours is connected it starts DTLS, so both transports
   * must know their peer's fingerprint (`connect`) before this is called.
   */
  async connect(node: IceEndpoint, local: IceEndpoint): Promise<void> {
    this.node = udpCandidate(node);
    this.local = udpCandidate(local);
    await this.check(this.nodeSide, this.node, node.iceParameters);
    await this.check(this.localSide, this.local, local.iceParameters);
  }

  close(): void {
    this.nodeSide.close();
    this.localSide.close();
  }

  private check(socket: Socket, to: { ip: string; port: number }, ice: IceEndpoint['iceParameters']): Promise<void> {
    const transactionId = randomBytes(12);
    const request = bindingRequest(transactionId, `${ice.usernameFragment}:${this.ufrag}`, ice.password, this.tieBreaker);
    return new Promise((resolve, reject) => {
      const key = transactionId.toString('hex');
      const timer = setTimeout(() => {
        this.checks.delete(key);
        reject(new Error(`no STUN answer from ${to.ip}:${to.port}`));
      }, CHECK_TIMEOUT_MS);
      this.checks.set(key, () => {
        clearTimeout(timer);
        resolve();
      });
      socket.send(request, to.port, to.ip);
    });
  }

  /** A STUN answer to one of our checks (consumed here, never forwarded). */
  private answered(packet: Buffer): boolean {
    if (packet.length < 20 || packet[0] > 1 || packet.readUInt32BE(4) !== MAGIC_COOKIE) return false;
    const type = packet.readUInt16BE(0);
    const key = packet.subarray(8, 20).toString('hex');
    if (type === BINDING_SUCCESS) this.checks.get(key)?.();
    this.checks.delete(key);
    return true;
  }
}

function udpCandidate(end: IceEndpoint): { ip: string; port: number } {
  const candidate = end.iceCandidates.find((c) => c.protocol === 'udp');
  if (!candidate) throw new Error('the transport offers no UDP candidate');
  return { ip: candidate.ip, port: candidate.port };
}

/** RTP or RTCP (RFC 7983: first byte 128..191), as opposed to STUN or DTLS. */
export const isRtpOrRtcp = (packet: Buffer): boolean => packet.length >= 12 && packet[0] >= 128 && packet[0] <= 191;

/** RTCP among RTP on one socket (RFC 5761): packet types 192..223. */
export const isRtcp = (packet: Buffer): boolean => packet[1] >= 192 && packet[1] <= 223;

/** A Binding request from the controlling agent, nominating the pair (USE-CANDIDATE). */
function bindingRequest(transactionId: Buffer, username: string, password: string, tieBreaker: Buffer): Buffer {
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e0001ff);
  let body = Buffer.concat([
    attribute(ATTR.username, Buffer.from(username)),
    attribute(ATTR.priority, priority),
    attribute(ATTR.iceControlling, tieBreaker),
    attribute(ATTR.useCandidate, Buffer.alloc(0)),
  ]);
  // MESSAGE-INTEGRITY covers the message before it, with a length that already counts it.
  const integrity = createHmac('sha1', password).update(Buffer.concat([header(transactionId, body.length + 24), body])).digest();
  body = Buffer.concat([body, attribute(ATTR.messageIntegrity, integrity)]);
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(Buffer.concat([header(transactionId, body.length + 8), body])) ^ 0x5354554e) >>> 0);
  body = Buffer.concat([body, attribute(ATTR.fingerprint, fingerprint)]);
  return Buffer.concat([header(transactionId, body.length), body]);
}

function header(transactionId: Buffer, length: number): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(BINDING_REQUEST, 0);
  h.writeUInt16BE(length, 2);
  h.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(h, 8);
  return h;
}

function attribute(type: number, value: Buffer): Buffer {
  const a = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  a.writeUInt16BE(type, 0);
  a.writeUInt16BE(value.length, 2);
  value.copy(a, 4);
  return a;
}
