import { MEDIA_TICKET_AUDIENCE, verifyMediaTicket } from '@onair/media-tickets';
import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { createRemoteJWKSet, decodeJwt } from 'jose';
import type { Client as PgClient } from 'pg';
import { FakeSfu, httpClient, newBroadcast, sfuRelayUrl, sql, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

describe('admission: media tickets for publishers and viewers', () => {
  const ctx = TestContext.create('ss_tickets');
  let call: ReturnType<typeof httpClient>;
  let graph: ReturnType<typeof httpClient>;
  let sfu: FakeSfu;
  let pg: PgClient;
  let keys: ReturnType<typeof createRemoteJWKSet>;
  let jwksUrl: string;
  let ann: TestUser, bob: TestUser, cat: TestUser, dan: TestUser;

  beforeAll(async () => {
    const platform = await startPlatform(ctx, { SFU_NODE_STALE_SECONDS: '600' });
    call = httpClient(platform.sessions.url);
    graph = httpClient(platform.graph.url);
    jwksUrl = platform.sessions.jwksUrl;
    keys = createRemoteJWKSet(new URL(jwksUrl));
    sfu = await FakeSfu.connect(ctx);
    pg = await sql(ctx, platform.sessions.schema);
    [ann, bob, cat, dan] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  });
  afterAll(() => ctx.cleanup());

  const create = async (owner: TestUser, overrides: Record<string, unknown> = {}) =>
    json(await call('POST', '/v1/broadcasts', owner, newBroadcast(overrides)));
  const ticket = (id: string, who: TestUser, role: 'publish' | 'consume') =>
    call('POST', `/v1/broadcasts/${id}/tickets`, who, { role });
  const expectRefused = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect((await json(res)).error.code).toBe(code);
  };
  const goLive = async (id: string, owner: TestUser, node: string) => {
    await sfu.joined(id, node, owner.id);
    await waitUntil(async () => (await json(await call('GET', `/v1/broadcasts/${id}`, owner))).state === 'live', 20_000, 'live');
  };

  it('serves the media JWKS publicly: Ed25519 keys only, no private parts', async () => {
    const res = await fetch(jwksUrl);
    expect(res.status).toBe(200);
    const { keys: published } = await json(res);
    expect(published.length).toBeGreaterThanOrEqual(1);
    for (const k of published) {
      expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) });
      expect(k.d).toBeUndefined();
    }
  });

  it('answers 503 NO_SFU_AVAILABLE while no SFU node has reported its load', async () => {
    const b = await create(ann);
    await expectRefused(await ticket(b.id, ann, 'publish'), 503, 'STREAM_SESSIONS.NO_SFU_AVAILABLE');
  });

  it('gives the owner a publish ticket for the least-loaded node, verifiable against the media JWKS', async () => {
    await sfu.nodeLoad('node-a', 700, 1000);
    await sfu.nodeLoad('node-b', 20, 1000);
    const b = await create(ann);
    let res!: Response;
    await waitUntil(async () => {
      res = await ticket(b.id, ann, 'publish');
      return res.status === 201 && ((await res.clone().json()) as { nodeId: string }).nodeId === 'node-b';
    }, 20_000, 'both nodes registered');
    const body = await json(res);
    expect(body).toMatchObject({
      role: 'publish',
      broadcastId: b.id,
      nodeId: 'node-b',
      signallingUrl: 'ws://node-b.sfu.test/ws',
      expiresAt: expect.any(String),
    });
    const claims = decodeJwt(body.ticket);
    expect(claims.exp! - claims.iat!).toBe(60);
    expect(claims.aud).toBe(MEDIA_TICKET_AUDIENCE);
    await expect(verifyMediaTicket(body.ticket, keys, 'node-b')).resolves.toEqual({
      accountId: ann.id,
      broadcastId: b.id,
      role: 'publish',
      nodeId: 'node-b',
      // Who the broadcast is for: the SFU holds admission to it while viewers watch.
      audience: { ownerId: ann.id, visibility: 'public' },
      ticketId: expect.any(String),
      issuedAt: expect.any(Date),
      expiresAt: new Date(claims.exp! * 1000),
    });
    await expect(verifyMediaTicket(body.ticket, keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
  });

  it('refuses a publish ticket to anyone but the owner, and after the end', async () => {
    const b = await create(ann);
    await expectRefused(await ticket(b.id, bob, 'publish'), 403, 'STREAM_SESSIONS.PUBLISH_NOT_ALLOWED');
    await call('POST', `/v1/broadcasts/${b.id}/end`, ann);
    await expectRefused(await ticket(b.id, ann, 'publish'), 409, 'STREAM_SESSIONS.BROADCAST_OVER');
  });

  it('admits viewers of a live public broadcast on the node hosting the publisher, unless blocked either way', async () => {
    const b = await create(ann);
    await expectRefused(await ticket(b.id, bob, 'consume'), 409, 'STREAM_SESSIONS.BROADCAST_NOT_LIVE');
    await goLive(b.id, ann, 'node-a');
    // The publisher's node, although node-b is less loaded.
    const res = await ticket(b.id, bob, 'consume');
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({ role: 'consume', nodeId: 'node-a', signallingUrl: 'ws://node-a.sfu.test/ws' });
    await expect(verifyMediaTicket(body.ticket, keys, 'node-a')).resolves.toMatchObject({ accountId: bob.id, role: 'consume' });
    // A publish ticket for the owner of a live broadcast names the node already hosting it.
    expect((await json(await ticket(b.id, ann, 'publish'))).nodeId).toBe('node-a');

    expect((await graph('PUT', `/v1/graph/blocks/${cat.id}`, ann)).status).toBe(201); // the owner blocked cat
    expect((await graph('PUT', `/v1/graph/blocks/${ann.id}`, dan)).status).toBe(201); // dan blocked the owner
    await expectRefused(await ticket(b.id, cat, 'consume'), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    await expectRefused(await ticket(b.id, dan, 'consume'), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    await graph('DELETE', `/v1/graph/blocks/${cat.id}`, ann);
    await graph('DELETE', `/v1/graph/blocks/${ann.id}`, dan);
    expect((await ticket(b.id, cat, 'consume')).status).toBe(201);
  });

  it('admits only followers to a followers-only broadcast', async () => {
    const b = await create(ann, { visibility: 'followers' });
    await goLive(b.id, ann, 'node-a');
    await expectRefused(await ticket(b.id, bob, 'consume'), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    expect((await graph('POST', `/v1/graph/follows/${ann.id}`, bob)).status).toBe(201);
    expect((await ticket(b.id, bob, 'consume')).status).toBe(201);
    // Following the other way round does not count.
    expect((await graph('POST', `/v1/graph/follows/${cat.id}`, ann)).status).toBe(201);
    await expectRefused(await ticket(b.id, cat, 'consume'), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    // The owner watches their own broadcast.
    expect((await ticket(b.id, ann, 'consume')).status).toBe(201);
  });

  it('admits only members of the circle to a circle broadcast, followers or not', async () => {
    const circle = await json(await graph('POST', '/v1/graph/circles', ann, { name: 'close friends' }));
    // Only followers can be members of a circle.
    expect((await graph('POST', `/v1/graph/follows/${ann.id}`, dan)).status).toBe(201);
    expect((await graph('PUT', `/v1/graph/circles/${circle.id}/members/${dan.id}`, ann)).status).toBeLessThan(300);
    // Only its owner can make a broadcast visible to a circle: for anyone else it does not exist.
    const foreign = await call('POST', '/v1/broadcasts', bob, newBroadcast({ visibility: `circle:${circle.id}` }));
    await expectRefused(foreign, 400, 'STREAM_SESSIONS.CIRCLE_NOT_FOUND');
    const b = await create(ann, { visibility: `circle:${circle.id}` });
    expect(b.visibility).toBe(`circle:${circle.id}`);
    await goLive(b.id, ann, 'node-a');
    const admitted = await ticket(b.id, dan, 'consume');
    expect(admitted.status).toBe(201);
    // The ticket names the circle, so the SFU can drop dan if he leaves it while watching.
    expect((await verifyMediaTicket((await json(admitted)).ticket, keys, 'node-a')).audience).toEqual({ ownerId: ann.id, visibility: 'circle', circleId: circle.id });
    await expectRefused(await ticket(b.id, bob, 'consume'), 403, 'STREAM_SESSIONS.NOT_ADMITTED'); // a follower, not a member
    await graph('DELETE', `/v1/graph/circles/${circle.id}`, ann);
    await expectRefused(await ticket(b.id, dan, 'consume'), 403, 'STREAM_SESSIONS.NOT_ADMITTED'); // the circle is gone
  });

  it('refuses malformed requests with stable codes', async () => {
    const b = await create(ann);
    for (const body of [{}, { role: 'admin' }, { role: 'consume', extra: 1 }]) {
      await expectRefused(await call('POST', `/v1/broadcasts/${b.id}/tickets`, ann, body), 400, 'REQUEST.VALIDATION_FAILED');
    }
    await expectRefused(await ticket('00000000-0000-4000-8000-000000000000', ann, 'consume'), 404, 'STREAM_SESSIONS.BROADCAST_NOT_FOUND');
    await expectRefused(await ticket('nope', ann, 'consume'), 400, 'REQUEST.VALIDATION_FAILED');
    expect((await call('POST', `/v1/broadcasts/${b.id}/tickets`, undefined, { role: 'consume' })).status).toBe(401);
  });

  describe('placing viewers across nodes', () => {
    const ORIGIN = 'node-origin';
    const lastReportFresh = `received_at > now() - interval '1 minute'`;

    // Each test decides which nodes are fresh: whatever reported before is made to look as if its
    // last report arrived an hour ago (SFU_NODE_STALE_SECONDS is 600 in this suite).
    beforeEach(() => pg.query(`UPDATE sfu_node SET received_at = now() - interval '1 hour'`));

    /** Reports a node's load through Kafka and waits until stream-sessions has stored it. */
    const report = async (node: string, consumers: number, capacity: number, { relayUrl = sfuRelayUrl(node), draining = false } = {}) => {
      await sfu.nodeLoad(node, consumers, capacity, relayUrl, draining);
      await waitUntil(async () => {
        const { rowCount } = await pg.query(
          `SELECT 1 FROM sfu_node WHERE node_id = $1 AND consumers = $2 AND relay_url = $3 AND draining = $4 AND ${lastReportFresh}`,
          [node, consumers, relayUrl, draining],
        );
        return rowCount === 1;
      }, 20_000, `${node} reported ${consumers}/${capacity}${draining ? ', draining' : ''}`);
    };
    const goQuiet = (node: string) => pg.query(`UPDATE sfu_node SET received_at = now() - interval '1 hour' WHERE node_id = $1`, [node]);
    const liveOnOrigin = async () => {
      const b = await create(ann);
      await goLive(b.id, ann, ORIGIN);
      return b.id as string;
    };
    const watch = async (id: string) => {
      const res = await ticket(id, bob, 'consume');
      expect(res.status).toBe(201);
      const body = await json(res);
      return { body, claims: await verifyMediaTicket(body.ticket, keys, body.nodeId) };
    };
    const ticketFacts = { ticketId: expect.any(String), issuedAt: expect.any(Date), expiresAt: expect.any(Date) };
    const expectOnOrigin = async (id: string) => {
      const { body, claims } = await watch(id);
      expect(body).toMatchObject({ nodeId: ORIGIN, signallingUrl: `ws://${ORIGIN}.sfu.test/ws` });
      expect(claims).toEqual({ ...ticketFacts, accountId: bob.id, broadcastId: id, role: 'consume', nodeId: ORIGIN, audience: { ownerId: ann.id, visibility: 'public' } });
      expect(decodeJwt(body.ticket).rly).toBeUndefined();
    };

    it('keeps viewers on the origin while it has room, although other nodes are emptier', async () => {
      await report(ORIGIN, 89, 100); // just under the 0.9 fill limit
      await report('node-idle', 0, 100);
      await expectOnOrigin(await liveOnOrigin());
    });

    it('sends viewers of a full origin to the node with the most spare capacity, relaying from the origin', async () => {
      await report(ORIGIN, 100, 100);
      await report('node-half', 50, 100);
      await report('node-roomy', 10, 200);
      await report('node-busy', 95, 100);
      const id = await liveOnOrigin();
      const { body, claims } = await watch(id);
      expect(body).toMatchObject({ role: 'consume', broadcastId: id, nodeId: 'node-roomy', signallingUrl: 'ws://node-roomy.sfu.test/ws' });
      expect(claims).toEqual({
        ...ticketFacts,
        accountId: bob.id,
        broadcastId: id,
        role: 'consume',
        nodeId: 'node-roomy',
        relayFrom: { nodeId: ORIGIN, relayUrl: sfuRelayUrl(ORIGIN) },
        audience: { ownerId: ann.id, visibility: 'public' },
      });
      await expect(verifyMediaTicket(body.ticket, keys, ORIGIN)).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
      // The fill limit, not the hard cap, makes the origin full: 90 of 100 already sends viewers elsewhere.
      await report(ORIGIN, 90, 100);
      expect((await watch(id)).body.nodeId).toBe('node-roomy');
      // The publisher still gets the origin.
      expect((await json(await ticket(id, ann, 'publish'))).nodeId).toBe(ORIGIN);
    });

    it('keeps viewers on a full origin when every other node is full too', async () => {
      await report(ORIGIN, 100, 100);
      await report('node-busy', 100, 100);
      await report('node-nearly', 91, 100);
      await expectOnOrigin(await liveOnOrigin());
    });

    it('keeps viewers on a full origin when the node with room has gone quiet, and refuses them once the origin has', async () => {
      await report(ORIGIN, 100, 100);
      await report('node-idle', 0, 100);
      const id = await liveOnOrigin();
      expect((await watch(id)).body.nodeId).toBe('node-idle');
      await goQuiet('node-idle');
      await expectOnOrigin(id);
      await goQuiet(ORIGIN);
      await expectRefused(await ticket(id, bob, 'consume'), 503, 'STREAM_SESSIONS.NO_SFU_AVAILABLE');
    });

    it('keeps viewers on a full origin that reports no relay URL (an older node cannot be relayed from)', async () => {
      await report(ORIGIN, 100, 100, { relayUrl: '' });
      await report('node-idle', 0, 100);
      await expectOnOrigin(await liveOnOrigin());
    });

    it('does not send viewers to a node that cannot relay (no relay URL), however empty', async () => {
      await report(ORIGIN, 100, 100);
      await report('node-norelay', 0, 100, { relayUrl: '' });
      await report('node-half', 50, 100);
      const id = await liveOnOrigin();
      expect((await watch(id)).body.nodeId).toBe('node-half');
      await goQuiet('node-half');
      await expectOnOrigin(id);
    });

    it("sends a draining origin's new viewers to a relaying node although it has room, and its publisher elsewhere", async () => {
      await report(ORIGIN, 10, 100);
      await report('node-idle', 0, 100);
      const id = await liveOnOrigin();
      await expectOnOrigin(id);
      // Scale-down: the origin drains. It still hosts (and relays) the broadcast until its room ends.
      await report(ORIGIN, 10, 100, { draining: true });
      const { body, claims } = await watch(id);
      expect(body.nodeId).toBe('node-idle');
      expect(claims.relayFrom).toStrictEqual({ nodeId: ORIGIN, relayUrl: sfuRelayUrl(ORIGIN) });
      // The publisher reconnecting (its node is going away) gets a node that admits it.
      expect((await json(await ticket(id, ann, 'publish'))).nodeId).toBe('node-idle');
    });

    it('places no new broadcast and no relayed viewer on a draining node, however empty', async () => {
      await report(ORIGIN, 100, 100);
      await report('node-draining', 0, 100, { draining: true });
      await report('node-half', 50, 100);
      const id = await liveOnOrigin();
      expect((await watch(id)).body.nodeId).toBe('node-half');
      const fresh = await create(ann);
      expect((await json(await ticket(fresh.id, ann, 'publish'))).nodeId).toBe('node-half');
      // Nobody else admits: the viewer goes to the origin, which answers SFU.ROOM_FULL itself,
      // and a new broadcast finds no node at all.
      await goQuiet('node-half');
      await expectOnOrigin(id);
      await goQuiet(ORIGIN);
      await expectRefused(await ticket(fresh.id, ann, 'publish'), 503, 'STREAM_SESSIONS.NO_SFU_AVAILABLE');
    });
  });
});
