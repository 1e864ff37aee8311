import { Logger } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { RtmpConnection } from './rtmp-connection.js';
import { RtmpRefusal } from './rtmp-connection.js';
import { RtmpPublishSession } from './rtmp-publish-session.js';

export interface RtmpServerConfig {
  port: number;
  listenIp: string;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  streamSessionsUrl: string;
  ffmpegBin: string;
  publishTimeoutMs: number;
  idleTimeoutMs: number;
}

/** A key frame of a 1080p stream is a few hundred KiB: 4 MiB leaves room and bounds a liar. */
const LIMITS = { maxMessageBytes: 4 * 1024 * 1024, maxBufferedBytes: 8 * 1024 * 1024, maxChunkStreams: 16 };

/**
 * The node's RTMP listener (SFU_RTMP_PORT): encoders push rtmp://host:port/live/<stream key>.
 * Bounded everywhere an encoder (or anyone on the internet) could make it hold something:
 * connections (SFU_RTMP_MAX_CONNECTIONS, and SFU_RTMP_MAX_CONNECTIONS_PER_ADDRESS from one
 * address; past them closed at once), 10 s from connect to an
 * accepted publish (SFU_RTMP_PUBLISH_TIMEOUT_MS), chunk and message sizes (RtmpChunkReader),
 * 15 s without bytes once publishing (SFU_WHIP_MEDIA_TIMEOUT_MS). The stream key goes to stream-sessions in a header, nowhere else.
 */
export class RtmpServer {
  private readonly log = new Logger('RtmpServer');
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly config: RtmpServerConfig,
    private readonly draining: () => boolean,
  ) {
    this.server = createServer((socket) => this.onConnection(socket));
    // Accept errors (EMFILE, …) after listening: logged, the listener goes on.
    this.server.on('error', (err) => this.log.warn(`RTMP listener: ${err.message}`));
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  get connections(): number {
    return this.sockets.size;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.listenIp, () => resolve());
    });
    this.log.log(`RTMP ingest listening on ${this.config.listenIp}:${this.port}`);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (this.sockets.size >= this.config.maxConnections || fromAddress >= this.config.maxConnectionsPerAddress || this.draining()) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.sockets.delete(socket);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    new RtmpConnection(socket, {
      limits: LIMITS,
      publishTimeoutMs: this.config.publishTimeoutMs,
      idleTimeoutMs: this.config.idleTimeoutMs,
      onPublish: async (key, flow) => {
        if (this.draining()) throw new RtmpRefusal('NetStream.Publish.Failed', 'SFU.DRAINING');
        return RtmpPublishSession.open(key, flow, {
          streamSessionsUrl: this.config.streamSessionsUrl,
          ffmpegBin: this.config.ffmpegBin,
          firstFrameTimeoutMs: 10_000,
          maxBufferedBytes: 16 * 1024 * 1024,
        });
      },
    });
  }
}
