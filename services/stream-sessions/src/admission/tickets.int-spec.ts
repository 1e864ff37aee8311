import { MEDIA_TICKET_AUDIENCE, verifyMediaTicket } from '@onair/media-tickets';
import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { createRemoteJWKSet, decodeJwt } from 'jose';
import { FakeSfu, httpClient, newBroadcast, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

describe('admission: media tickets for publishers and viewers', () => {
  const ctx = TestContext.create('ss_tickets');
  let call: ReturnType<typeof httpClient>;
  let graph: ReturnType<typeof httpClient>;
  let sfu: FakeSfu;
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
    expect((await ticket(b.id, dan, 'consume')).status).toBe(201);
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
});
