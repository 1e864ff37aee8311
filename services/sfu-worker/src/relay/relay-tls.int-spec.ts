import { ServiceTls } from '@onair/service-tls';
import { freePort, serviceTlsEnv } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { WebSocket, type ClientOptions } from 'ws';
import { publishTestPattern, sfuSuite, SignalClient, startSfuWorker, type RunningSfu } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

const SECRET = 'relay-secret-shared-by-the-test-nodes-0123456789';

/**
 * Relays between two real nodes that have internal certificates: the relay secret, tickets and
 * the pipes' SRTP keys travel over wss with mutual TLS, on a port of its own that only SFU
 * nodes get through.
 */
describe('relays over mutual TLS between SFU nodes', () => {
  // The suite's own node only hosts the ticket issuer's tests; the two TLS nodes are started below.
  const suite = sfuSuite('sfu_relay_tls');
  const { ctx } = suite;
  let origin: RunningSfu;
  let other: RunningSfu;
  let originTlsPort: number;

  beforeAll(async () => {
    originTlsPort = await freePort();
    const tls = serviceTlsEnv(ctx.infra, 'sfu-worker');
    origin = await startSfuWorker(ctx, suite.issuer, { ...tls, SFU_RELAY_SECRET: SECRET, SFU_RELAY_TLS_PORT: String(originTlsPort) });
    other = await startSfuWorker(ctx, suite.issuer, { ...tls, SFU_RELAY_SECRET: SECRET, SFU_RELAY_TLS_PORT: String(await freePort()) });
  });

  const relayUrl = () => `wss://127.0.0.1:${originTlsPort}/v1/sfu/relay`;
  const identity = (service: string) =>
    ServiceTls.load({ caFile: join(ctx.infra.pkiDir, 'ca.crt'), certFile: join(ctx.infra.pkiDir, `${service}.crt`), keyFile: join(ctx.infra.pkiDir, `${service}.key`) });

  /** How a raw connection to a relay address ends: refused at TLS, at HTTP, or closed by the origin. */
  function attempt(url: string, options: ClientOptions = {}): Promise<string> {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${SECRET}` }, ...options });
    return new Promise((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      ws.on('close', (code, reason) => resolve(`closed ${code} ${reason.toString()}`));
    });
  }

  it('publishes a wss relay URL and relays the broadcast to the other node through it', async () => {
    expect(origin.runtime.config.relay?.url).toBe(`wss://127.0.0.1:${originTlsPort}/v1/sfu/relay`);
    const broadcastId = randomUUID();
    const publisher = await origin.join(broadcastId, 'publish');
    const { videoProducerId, audioProducerId } = await publishTestPattern(ctx, origin, publisher, broadcastId, { media: false });
    const ticket = await suite.issuer.sign({ broadcastId, role: 'consume', nodeId: other.nodeId, relayFrom: { nodeId: origin.nodeId, relayUrl: relayUrl() } });
    const viewer = await SignalClient.join(ctx, other.signallingUrl(ticket));
    const joined = await viewer.notification('joined');
    expect(joined.data!.producers.map((p: { producerId: string }) => p.producerId).sort()).toEqual([videoProducerId, audioProducerId].sort());
    expect(other.runtime.rooms.get(broadcastId as never)!.relayedFrom).toBe(origin.nodeId);
  });

  it('lets only SFU nodes in: no certificate, another service, plaintext and the plain port are refused', async () => {
    const ticket = await suite.issuer.sign({ broadcastId: randomUUID(), role: 'consume', nodeId: other.nodeId, relayFrom: { nodeId: origin.nodeId, relayUrl: relayUrl() } });
    const url = `${relayUrl()}?ticket=${ticket}`;
    const ca = identity('sfu-worker').ca;
    // No client certificate: the handshake fails (the origin requires one).
    expect(await attempt(url, { ca, servername: 'sfu-worker' } as ClientOptions)).toMatch(/^(error|closed 1006)/);
    // A certificate of the internal CA, but not an SFU node's.
    expect(await attempt(url, identity('stream-sessions').clientOptions('sfu-worker'))).toBe('http 403');
    // An SFU node's certificate, but a relay of a broadcast the origin does not host: the origin itself answers.
    expect(await attempt(url, identity('sfu-worker').clientOptions('sfu-worker'))).toBe('closed 4400 SFU.BROADCAST_NOT_HOSTED');
    // Plaintext to the TLS port, and the relay path on the plain HTTP port.
    expect(await attempt(`ws://127.0.0.1:${originTlsPort}/v1/sfu/relay?ticket=${ticket}`)).toMatch(/^(error|closed|http 400)/);
    expect(await attempt(`ws://127.0.0.1:${origin.port}/v1/sfu/relay?ticket=${ticket}`)).toBe('http 404');
  });
});
