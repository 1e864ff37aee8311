import type { BroadcastAudience } from '@onair/media-tickets';
import { freePort, startServiceProcess, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite, SignalClient } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

// Admission holds for the whole broadcast, not only at the door: the real social-graph's events
// (through Kafka) take a watching viewer's media away within 5 s of a block, an unfollow, or a
// removal from the private broadcast's circle.
describe('admission revoked while watching', () => {
  const suite = sfuSuite('sfu_admission');
  const { ctx } = suite;
  let graph: string;

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    graph = (await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, GRPC_PORT: String(await freePort()) })).url;
  }, 120_000);

  const call = async (method: string, path: string, as: TestUser, body?: unknown) => {
    const res = await fetch(`${graph}${path}`, {
      method,
      headers: { ...as.authHeader, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };

  /** A live broadcast of `owner` with a video viewer per account, each consuming. */
  async function watched(owner: TestUser, audience: BroadcastAudience, viewers: TestUser[]) {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish', owner.id, audience);
    const media = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    ctx.onCleanup(() => media.stop());
    const clients: SignalClient[] = [];
    for (const viewer of viewers) {
      const client = await suite.sfu.join(broadcastId, 'consume', viewer.id, audience);
      const caps = ok(await client.request('getRouterRtpCapabilities')).rtpCapabilities;
      const recv = ok(await client.request('createWebRtcTransport', { direction: 'recv' }));
      const consumer = ok(await client.request('consume', { transportId: recv.id, producerId: media.videoProducerId, rtpCapabilities: caps }));
      ok(await client.request('resumeConsumer', { consumerId: consumer.id }));
      clients.push(client);
    }
    return { broadcastId, publisher, clients };
  }

  /** The viewer's socket closes with SFU.ADMISSION_REVOKED within 5 s of `change`. */
  async function revokedWithin5s(client: SignalClient, change: () => Promise<unknown>) {
    const started = Date.now();
    await change();
    const closed = await Promise.race([client.closed, new Promise((r) => setTimeout(() => r('still watching after 5 s'), 5000))]);
    expect(closed).toEqual({ code: 4403, reason: 'SFU.ADMISSION_REVOKED' });
    expect(Date.now() - started).toBeLessThan(5000);
  }

  it("drops a viewer removed from the private broadcast's circle, and keeps the other members", async () => {
    const [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    for (const fan of [bob, cat]) await call('POST', `/v1/graph/follows/${ann.id}`, fan);
    const circle = (await call('POST', '/v1/graph/circles', ann, { name: 'inner' })) as { id: string };
    for (const fan of [bob, cat]) await call('PUT', `/v1/graph/circles/${circle.id}/members/${fan.id}`, ann);
    const audience: BroadcastAudience = { ownerId: ann.id, visibility: 'circle', circleId: circle.id };
    const { broadcastId, publisher, clients } = await watched(ann, audience, [bob, cat]);
    // A second ticket bob got before the removal must not let him back in either.
    const earlier = await suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId, role: 'consume', accountId: bob.id, audience });

    await revokedWithin5s(clients[0], () => call('DELETE', `/v1/graph/circles/${circle.id}/members/${bob.id}`, ann));
    const again = await SignalClient.connect(ctx, suite.sfu.signallingUrl(earlier));
    expect(await again.closed).toEqual({ code: 4403, reason: 'SFU.ADMISSION_REVOKED' });
    expect(clients[1].ws.readyState).toBe(clients[1].ws.OPEN);
    expect(publisher.ws.readyState).toBe(publisher.ws.OPEN);
    expect(suite.sfu.runtime.rooms.get(broadcastId as never)!.viewers).toBe(1);
  }, 60_000);

  it('drops a viewer the owner blocks, on a public broadcast', async () => {
    const [ann, dan, eve] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    const { clients } = await watched(ann, { ownerId: ann.id, visibility: 'public' }, [dan, eve]);
    await revokedWithin5s(clients[0], () => call('PUT', `/v1/graph/blocks/${dan.id}`, ann));
    expect(clients[1].ws.readyState).toBe(clients[1].ws.OPEN);
  }, 60_000);

  it('drops a viewer of a followers-only broadcast who unfollows', async () => {
    const [ann, fay] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    await call('POST', `/v1/graph/follows/${ann.id}`, fay);
    const { clients } = await watched(ann, { ownerId: ann.id, visibility: 'followers' }, [fay]);
    await revokedWithin5s(clients[0], () => call('DELETE', `/v1/graph/follows/${ann.id}`, fay));
  }, 60_000);
});
