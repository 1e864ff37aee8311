import { Logger } from '@nestjs/common';
import { ServiceTls } from '@onair/service-tls';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RelayConfig } from '../config.js';

/**
 * The wss endpoint other SFU nodes relay from, when the node has an internal certificate: its
 * own port (SFU_RELAY_TLS_PORT), mutual TLS (a client without an sfu-worker certificate of the
 * internal CA fails the handshake), and nothing but relay upgrades.
 */
export class RelayTlsServer {
  private readonly log = new Logger('RelayTlsServer');
  private readonly server: Server;

  constructor(
    private readonly relay: RelayConfig & { tls: NonNullable<RelayConfig['tls']> },
    onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ) {
    this.server = createServer(ServiceTls.load(relay.tls).serverOptions(), (_req, res) => res.writeHead(404).end());
    this.server.on('upgrade', onUpgrade);
    // A client failing the handshake (no certificate, another CA) is its problem, not the node's.
    this.server.on('tlsClientError', (err) => this.log.debug?.(`relay TLS handshake refused: ${err.message}`));
  }

  async listen(host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.relay.tlsPort, host, () => resolve());
    });
    this.log.log(`relays over mutual TLS on ${host}:${this.relay.tlsPort} (${this.relay.url})`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
