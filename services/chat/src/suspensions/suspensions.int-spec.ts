import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountSuspendedEvent, AccountSuspendedSchema, AccountSuspensionLiftedEvent, AccountSuspensionLiftedSchema } from '@onair/contracts';
import { encodeEvent } from '@onair/kafka';
import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { ChatClient, startChatPlatform, type ChatPlatform } from '../chat.test-app.js';

// ops' account suspensions on two chat pods: the account's sockets close on every pod within
// 5 s, it cannot open new ones while suspended, everybody else chats on; a lifting or the end of
// a timed suspension lets it back in.
describe('chat: ops.account_suspended.v1 takes an account out of every room', () => {
  const ctx = TestContext.create('chat_suspend');
  let platform: ChatPlatform;
  let ann: TestUser, operator: TestUser;
  let producer: ReturnType<ReturnType<TestContext['kafka']>['producer']>;
  let pg: PgClient;

  beforeAll(async () => {
    // identity applies suspensions too (it revokes the account's sessions, and the account could
    // not ask stream-sessions for a chat ticket): this suite is about chat's own enforcement, so
    // identity runs on a topic prefix of its own and never sees ops' events.
    await ctx.startIdentity({ KAFKA_TOPIC_PREFIX: `${ctx.topicPrefix}identity.` });
    platform = await startChatPlatform(ctx, {}, 2);
    producer = ctx.kafka().producer();
    await producer.connect();
    ctx.onCleanup(() => producer.disconnect());
    [ann, operator] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    pg = new PgClient({ connectionString: ctx.infra.pgUrl, options: `-c search_path=${ctx.schema('chat')}` });
    await pg.connect();
    ctx.onCleanup(() => pg.end());
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  /** ops' suspension event as ops publishes it; returns its suspension id and event id. */
  const suspend = async (who: TestUser, init: Partial<MessageInitShape<typeof AccountSuspendedSchema>> = {}) => {
    const message = create(AccountSuspendedSchema, {
      accountId: who.id,
      suspensionId: randomUUID(),
      actorAccountId: operator.id,
      reason: 'harassment',
      suspendedAt: timestampFromDate(new Date()),
      ...init,
    });
    const eventId = randomUUID();
    const record = encodeEvent(AccountSuspendedEvent, message, { id: eventId, source: 'ops', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + AccountSuspendedEvent.topic, acks: -1, messages: [record] });
    return { suspensionId: message.suspensionId, eventId };
  };
  const lift = async (who: TestUser, suspensionId: string) => {
    const message = create(AccountSuspensionLiftedSchema, { accountId: who.id, suspensionId, actorAccountId: operator.id, reason: 'appeal', liftedAt: timestampFromDate(new Date()) });
    const eventId = randomUUID();
    const record = encodeEvent(AccountSuspensionLiftedEvent, message, { id: eventId, source: 'ops', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + AccountSuspensionLiftedEvent.topic, acks: -1, messages: [record] });
    return eventId;
  };
  /** chat's shared group has applied (or skipped) the event. */
  const processed = (eventId: string) =>
    waitUntil(async () => (await pg.query('SELECT 1 FROM processed_event WHERE event_id = $1', [eventId])).rowCount === 1, 10_000, `event ${eventId} processed`);
  /** A new socket of `who` on `pod`: joined, or refused with the code of its error frame. */
  const tryJoin = async (who: TestUser, id: string, pod: number) => {
    const { ticket } = await json(await platform.chatTicket(who, id));
    const client = await ChatClient.connect(ctx, `${platform.pods[pod].url.replace('http', 'ws')}/v1/chat/socket?ticket=${ticket}&broadcastId=${id}`);
    await waitUntil(() => client.frames.some((f) => f.type === 'joined' || f.type === 'error'), 15_000, 'joined or refused');
    const refusal = client.frames.find((f) => f.type === 'error')?.error?.code;
    return { client, refusal, closed: refusal ? await client.closed : undefined };
  };

  it("closes the account's sockets on every pod within 5 s and refuses it new ones; others chat on", async () => {
    const [bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const id = await platform.liveBroadcast(ann);
    const sockets = [await platform.join(bob, id, 0), await platform.join(bob, id, 1)];
    const others = [await platform.join(cat, id, 1), await platform.join(ann, id, 0)];
    expect(await sockets[1].request({ type: 'message', text: 'hi before' })).toMatchObject({ type: 'ack' });
    const started = Date.now();
    await suspend(bob);
    for (const socket of sockets) {
      expect(await socket.closed).toEqual({ code: 4403, reason: 'CHAT.ACCOUNT_SUSPENDED' });
      expect(socket.frames.find((f) => f.type === 'error')?.error).toMatchObject({ code: 'CHAT.ACCOUNT_SUSPENDED', details: { until: null } });
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const pod of [0, 1]) {
      expect(await tryJoin(bob, id, pod)).toMatchObject({ refusal: 'CHAT.ACCOUNT_SUSPENDED', closed: { code: 4403, reason: 'CHAT.ACCOUNT_SUSPENDED' } });
    }
    // Everybody else stays, writes and taps hearts as before.
    for (const other of others) {
      expect(other.open).toBe(true);
      expect(await other.request({ type: 'message', text: `still here ${other === others[0] ? 'cat' : 'ann'}` })).toMatchObject({ type: 'ack' });
    }
    others[0].send({ type: 'hearts', count: 3 });
    await others[1].next('hearts');
  });

  it('lets the account back in when its current suspension is lifted, not when an older one is', async () => {
    const dan = await ctx.newUser();
    const id = await platform.liveBroadcast(ann);
    const first = await suspend(dan, { suspendedAt: timestampFromDate(new Date(Date.now() - 60_000)) });
    await waitUntil(async () => (await tryJoin(dan, id, 0)).refusal === 'CHAT.ACCOUNT_SUSPENDED', 5_000, 'joining refused');
    const second = await suspend(dan);
    await processed(second.eventId);
    // Lifting the first suspension, no longer the current one, changes nothing on either pod.
    await processed(await lift(dan, first.suspensionId));
    for (const pod of [0, 1]) expect((await tryJoin(dan, id, pod)).refusal).toBe('CHAT.ACCOUNT_SUSPENDED');
    await lift(dan, second.suspensionId);
    await waitUntil(async () => (await tryJoin(dan, id, 1)).refusal === undefined, 5_000, 'joining allowed again');
    const back = await platform.join(dan, id, 0);
    expect(await back.request({ type: 'message', text: 'back again' })).toMatchObject({ type: 'ack', messageId: expect.any(String) });
  });

  it('ends a timed suspension on its own at `until`', async () => {
    const eve = await ctx.newUser();
    const id = await platform.liveBroadcast(ann);
    const socket = await platform.join(eve, id, 1);
    const until = new Date(Date.now() + 3_000);
    await suspend(eve, { until: timestampFromDate(until) });
    expect(await socket.closed).toEqual({ code: 4403, reason: 'CHAT.ACCOUNT_SUSPENDED' });
    expect(socket.frames.find((f) => f.type === 'error')?.error?.details).toEqual({ until: until.toISOString() });
    await waitUntil(async () => (await tryJoin(eve, id, 0)).refusal === undefined, 10_000, 'joining allowed again');
    expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
  });
});
