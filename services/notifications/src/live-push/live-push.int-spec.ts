import { startServiceProcess, TestContext, waitUntil, type RunningService, type TestUser } from '@onair/testing';
import { openStream, startNotificationsPlatform, type NotificationsPlatform } from '../notifications.test-app.js';

// The live stream (Server-Sent Events with a single-use ticket) on two pods and through the
// edge: a notification created by whichever pod delivers it reaches the stream on the other.
describe('notifications: the live stream', () => {
  const ctx = TestContext.create('notif_live');
  let p: NotificationsPlatform;
  let edge: RunningService;

  beforeAll(async () => {
    p = await startNotificationsPlatform(ctx, { NOTIFICATIONS_STREAMS_PER_ACCOUNT: '2', NOTIFICATIONS_STREAM_HEARTBEAT_SECONDS: '1' }, 2);
    edge = await startServiceProcess(ctx, 'edge', {
      EDGE_SERVICES: `notifications=${p.pods[1].url}`,
      EDGE_ROUTES: '/v1/notifications=notifications',
      EDGE_INTERNAL_PORT: '0',
    });
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const ticket = async (user: TestUser, pod = 0) => {
    const res = await p.call(p.pods[pod].url, 'POST', '/v1/notifications/stream-tickets', user);
    expect(res.status).toBe(201);
    return ((await res.json()) as { ticket: string }).ticket;
  };
  const follow = async (follower: TestUser, followee: TestUser) => {
    const res = await p.call(p.graph.url, 'POST', `/v1/graph/follows/${followee.id}`, follower);
    expect(res.status).toBeLessThan(300);
  };

  it('pushes a new notification to the connected clients, on another pod and through the edge', async () => {
    const [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const onPod = await openStream(ctx, `${p.pods[1].url}/v1/notifications/stream?ticket=${await ticket(ann)}`);
    const viaEdge = await openStream(ctx, `${edge.url}/v1/notifications/stream?ticket=${await ticket(ann)}`);
    expect([onPod.status, viaEdge.status]).toEqual([200, 200]);
    await follow(bob, ann);
    for (const s of [onPod, viaEdge]) {
      await waitUntil(() => s.events.some((e) => e.event === 'notification'), 15_000, 'the push');
      expect(s.events.find((e) => e.event === 'notification')!.data).toMatchObject({ kind: 'followed', actor: { id: bob.id, handle: bob.handle }, read: false });
    }
    // The same notification is in the inbox.
    const pushed = onPod.events.find((e) => e.event === 'notification')!.data;
    expect(await p.inbox(ann)).toContainEqual(pushed);
  });

  it('takes a ticket once, refuses unknown ones, and limits streams per account', async () => {
    const cy = await ctx.newUser();
    const t = await ticket(cy);
    const first = await openStream(ctx, `${p.pods[0].url}/v1/notifications/stream?ticket=${t}`);
    expect(first.status).toBe(200);
    const again = await fetch(`${p.pods[0].url}/v1/notifications/stream?ticket=${t}`);
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([401, 'NOTIFICATIONS.STREAM_TICKET_INVALID']);
    const bogus = await fetch(`${p.pods[0].url}/v1/notifications/stream?ticket=${'x'.repeat(43)}`);
    expect(bogus.status).toBe(401);
    expect((await fetch(`${p.pods[0].url}/v1/notifications/stream`)).status).toBe(400);
    expect((await p.call(p.pods[0].url, 'POST', '/v1/notifications/stream-tickets', { ...cy, authHeader: { authorization: 'Bearer nope' } })).status).toBe(401);

    const second = await openStream(ctx, `${p.pods[0].url}/v1/notifications/stream?ticket=${await ticket(cy)}`);
    expect(second.status).toBe(200);
    const third = await fetch(`${p.pods[0].url}/v1/notifications/stream?ticket=${await ticket(cy)}`);
    expect([third.status, ((await third.json()) as { error: { code: string } }).error.code]).toEqual([429, 'NOTIFICATIONS.TOO_MANY_STREAMS']);
    first.close();
    // Its slot frees once the server sees the stream gone.
    await waitUntil(async () => (await openStream(ctx, `${p.pods[0].url}/v1/notifications/stream?ticket=${await ticket(cy)}`)).status === 200, 10_000, 'a slot again');
  });

  it('issues at most 20 unused tickets per account, also to concurrent requests', async () => {
    const eve = await ctx.newUser();
    const answers = await Promise.all(Array.from({ length: 30 }, () => p.api('POST', '/v1/notifications/stream-tickets', eve)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(20);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(10);
    expect(((await refused[0].json()) as { error: { code: string } }).error.code).toBe('NOTIFICATIONS.TOO_MANY_STREAM_TICKETS');
    // Another account is not affected.
    expect((await p.api('POST', '/v1/notifications/stream-tickets', await ctx.newUser())).status).toBe(201);
  });

  it('ends the stream once its sign-in session is signed out', async () => {
    const dee = await ctx.newUser();
    const s = await openStream(ctx, `${p.pods[0].url}/v1/notifications/stream?ticket=${await ticket(dee)}`);
    expect(s.status).toBe(200);
    const out = await fetch(`${p.identity}/v1/sessions/current`, { method: 'DELETE', headers: dee.authHeader });
    expect(out.status).toBe(204);
    await Promise.race([s.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open 15 s after sign-out')), 15_000))]);
    expect(s.events.at(-1)).toEqual({ event: 'closed', data: { code: 'AUTH.TOKEN_REVOKED' } });
  });

  it('ends its streams with a reason when the pod is stopped, and exits without waiting for them', async () => {
    const pod = await p.startPod();
    const fay = await ctx.newUser();
    const s = await openStream(ctx, `${pod.url}/v1/notifications/stream?ticket=${await ticket(fay, p.pods.indexOf(pod))}`);
    expect(s.status).toBe(200);
    const started = Date.now();
    const exited = new Promise((r) => pod.process.once('exit', r));
    pod.process.kill('SIGTERM');
    await Promise.race([Promise.all([s.ended, exited]), new Promise((_, reject) => setTimeout(() => reject(new Error('pod or stream still there 10 s after SIGTERM')), 10_000))]);
    expect(s.events.at(-1)).toEqual({ event: 'closed', data: { code: 'NOTIFICATIONS.SHUTTING_DOWN' } });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
