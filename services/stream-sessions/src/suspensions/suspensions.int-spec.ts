import { create, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AccountSuspendedEvent,
  AccountSuspendedSchema,
  AccountSuspensionLiftedEvent,
  AccountSuspensionLiftedSchema,
  BroadcastEndedEvent,
  BroadcastEndReason,
  BroadcastExpiredEvent,
  type EventDescriptor,
} from '@onair/contracts';
import { encodeEvent } from '@onair/kafka';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { FakeSfu, httpClient, newBroadcast, sql, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

type SuspendedInit = MessageInitShape<typeof AccountSuspendedSchema>;

// ops' account suspensions, applied by stream-sessions: the account's created and live
// broadcasts are taken down at once, and while the suspension is in force it neither creates a
// broadcast nor gets a publish ticket; it ends at `until` or when lifted (its current one only).
describe('suspensions: ops.account_suspended.v1 takes the account off the air', () => {
  const ctx = TestContext.create('ss_suspend');
  let call: ReturnType<typeof httpClient>;
  let pg: PgClient;
  let sfu: FakeSfu;
  let ended: EventCollector<typeof BroadcastEndedEvent.schema>;
  let expired: EventCollector<typeof BroadcastExpiredEvent.schema>;
  let operator: TestUser;
  let producer: ReturnType<ReturnType<TestContext['kafka']>['producer']>;

  beforeAll(async () => {
    // identity applies suspensions too (it revokes the account's sessions, so its calls would be
    // answered 401 before stream-sessions is asked): this suite is about stream-sessions' own
    // enforcement, so identity runs on a topic prefix of its own and never sees ops' events.
    await ctx.startIdentity({ KAFKA_TOPIC_PREFIX: `${ctx.topicPrefix}identity.` });
    const platform = await startPlatform(ctx);
    call = httpClient(platform.sessions.url);
    pg = await sql(ctx, platform.sessions.schema);
    sfu = await FakeSfu.connect(ctx);
    ended = await EventCollector.start(ctx, BroadcastEndedEvent);
    expired = await EventCollector.start(ctx, BroadcastExpiredEvent);
    producer = ctx.kafka().producer();
    await producer.connect();
    ctx.onCleanup(() => producer.disconnect());
    operator = await ctx.newUser();
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  /** An ops event as ops publishes it; `id` fixes the event id (a redelivery). */
  const publish = async <D extends DescMessage>(descriptor: EventDescriptor<D>, message: MessageShape<D>, id: string = randomUUID()) => {
    await producer.send({ topic: ctx.topicPrefix + descriptor.topic, acks: -1, messages: [encodeEvent(descriptor, message, { id, source: 'ops', time: new Date() })] });
    return id;
  };
  const suspension = (who: TestUser, init: Partial<SuspendedInit> = {}) =>
    create(AccountSuspendedSchema, {
      accountId: who.id,
      suspensionId: randomUUID(),
      actorAccountId: operator.id,
      reason: 'spam',
      suspendedAt: timestampFromDate(new Date()),
      ...init,
    });
  const suspend = (message: ReturnType<typeof suspension>, id?: string) => publish(AccountSuspendedEvent, message, id);
  const lift = (who: TestUser, suspensionId: string) =>
    publish(
      AccountSuspensionLiftedEvent,
      create(AccountSuspensionLiftedSchema, { accountId: who.id, suspensionId, actorAccountId: operator.id, reason: 'appeal', liftedAt: timestampFromDate(new Date()) }),
    );
  /** stream-sessions has applied (or skipped) the event: its consumer group marked it processed. */
  const processed = (eventId: string) =>
    waitUntil(async () => (await pg.query('SELECT 1 FROM processed_event WHERE event_id = $1', [eventId])).rowCount === 1, 10_000, `event ${eventId} processed`);

  const get = async (id: string, who: TestUser) => json(await call('GET', `/v1/broadcasts/${id}`, who));
  const createBroadcast = async (who: TestUser) => {
    const res = await call('POST', '/v1/broadcasts', who, newBroadcast());
    const body = await json(res);
    return { status: res.status, code: body.error?.code as string | undefined, id: body.id as string | undefined };
  };
  const live = async (who: TestUser) => {
    const id = (await createBroadcast(who)).id as string;
    await sfu.joined(id, 'node-a', who.id);
    await waitUntil(async () => (await get(id, who)).state === 'live', 20_000, `broadcast ${id} live`);
    return id;
  };
  const refused = async (who: TestUser) => (await createBroadcast(who)).code === 'STREAM_SESSIONS.ACCOUNT_SUSPENDED';

  it("takes the account's live and created broadcasts down within 5 s and refuses it new ones; others broadcast on", async () => {
    const [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const onAir = await live(ann);
    const created = (await createBroadcast(ann)).id as string;
    const bobs = await live(bob);
    const at = Date.now();
    await suspend(suspension(ann));
    await waitUntil(() => [onAir, created].every((id) => expired.events.some((e) => e.message.broadcastId === id)), 5_000, 'both broadcasts expired');
    expect(Date.now() - at).toBeLessThan(5_000);
    expect(ended.events.filter((e) => e.message.broadcastId === onAir).map((e) => e.message)).toMatchObject([{ ownerId: ann.id, reason: BroadcastEndReason.TAKEN_DOWN }]);
    for (const id of [onAir, created]) {
      expect(await get(id, ann)).toMatchObject({ state: 'expired', endReason: 'taken_down', takenDownAt: expect.any(String) });
    }
    const res = await call('POST', '/v1/broadcasts', ann, newBroadcast());
    expect(res.status).toBe(403);
    expect((await json(res)).error).toMatchObject({ code: 'STREAM_SESSIONS.ACCOUNT_SUSPENDED', details: { until: null } });
    // Another account is untouched: its broadcast stays live and it creates more.
    expect((await get(bobs, bob)).state).toBe('live');
    expect(ended.events.some((e) => e.message.broadcastId === bobs)).toBe(false);
    expect((await createBroadcast(bob)).status).toBe(201);
  });

  it('refuses a publish ticket to a suspended owner (a broadcast created while the suspension was being applied)', async () => {
    const cat = await ctx.newUser();
    await sfu.nodeLoad('node-a');
    const { id } = await createBroadcast(cat);
    const ticket = async () => {
      const res = await call('POST', `/v1/broadcasts/${id}/tickets`, cat, { role: 'publish' });
      return { status: res.status, code: (await json(res)).error?.code };
    };
    // The node's load report applied: the ticket names it.
    await waitUntil(async () => (await ticket()).status === 201, 10_000, 'a publish ticket');
    // The race the consumer cannot see: the suspension stored, this broadcast committed just after its scan.
    await pg.query(`INSERT INTO account_suspension (account_id, suspension_id, suspended_at) VALUES ($1, $2, now())`, [cat.id, randomUUID()]);
    expect(await ticket()).toEqual({ status: 403, code: 'STREAM_SESSIONS.ACCOUNT_SUSPENDED' });
  });

  it('ends a timed suspension on its own at `until`', async () => {
    const dan = await ctx.newUser();
    const until = new Date(Date.now() + 3_000);
    await suspend(suspension(dan, { until: timestampFromDate(until) }));
    await waitUntil(() => refused(dan), 5_000, 'creating refused');
    await waitUntil(async () => !(await refused(dan)), 10_000, 'creating allowed again');
    expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
  });

  it('lifts the current suspension only: a stale lifting changes nothing', async () => {
    const eve = await ctx.newUser();
    const first = suspension(eve, { suspendedAt: timestampFromDate(new Date(Date.now() - 60_000)) });
    await suspend(first);
    await waitUntil(() => refused(eve), 5_000, 'creating refused');
    // A newer suspension replaces the first: lifting the first no longer frees the account.
    const second = suspension(eve);
    await processed(await suspend(second));
    await processed(await lift(eve, first.suspensionId));
    expect(await refused(eve)).toBe(true);
    // The first suspension delivered again (older than the current one) changes nothing either.
    await processed(await suspend(first));
    await processed(await lift(eve, second.suspensionId));
    expect((await createBroadcast(eve)).status).toBe(201);
  });

  it('applies a suspension once, however often it is delivered', async () => {
    const fay = await ctx.newUser();
    const onAir = await live(fay);
    const message = suspension(fay);
    const eventId = await suspend(message);
    await waitUntil(() => expired.events.some((e) => e.message.broadcastId === onAir), 5_000, 'broadcast expired');
    // The same event again (a redelivery), and the same suspension under a new event id.
    await processed(await suspend(message, eventId).then(() => suspend(message)));
    expect(ended.events.filter((e) => e.message.broadcastId === onAir)).toHaveLength(1);
    expect(expired.events.filter((e) => e.message.broadcastId === onAir)).toHaveLength(1);
    // Once lifted, a late copy of the suspension does not suspend the account again.
    await processed(await lift(fay, message.suspensionId));
    await processed(await suspend(message));
    expect((await createBroadcast(fay)).status).toBe(201);
  });
});
