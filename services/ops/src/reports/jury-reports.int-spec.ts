import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { JuryStartedEvent, JuryStartedSchema, JuryVerdictEvent, JuryVerdictSchema } from '@onair/contracts';
import { TestContext, waitUntil, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startOpsPlatform, type OpsPlatform } from '../ops.test-app.js';

// chat's message reports feed the same queue: chat.jury_started.v1 (with its reporter) and
// chat.jury_verdict.v1, published on the room topic as chat publishes them.
describe('reports: chat juries in the queue', () => {
  const ctx = TestContext.create('ops_juries');
  let p: OpsPlatform;
  let viewers: TestUser[];

  beforeAll(async () => {
    p = await startOpsPlatform(ctx);
    viewers = await Promise.all(Array.from({ length: 3 }, () => ctx.newUser()));
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const detail = async (messageId: string) => p.answer('GET', `/v1/ops/reports/targets/message/${messageId}`, p.operator);
  const weightOf = async (targetId: string) =>
    ((await p.answer('GET', '/v1/ops/reports?limit=100', p.operator)).body.items as Array<{ targetId: string; weight: number }>).find((i) => i.targetId === targetId)?.weight;

  function juryStarted(broadcastId: string, messageId: string, reporterId: string) {
    const juryId = randomUUID();
    const message = create(JuryStartedSchema, {
      broadcastId,
      juryId,
      messageId,
      messageText: 'you are all idiots',
      authorId: viewers[2].id,
      authorHandle: viewers[2].handle,
      jurorIds: [randomUUID(), randomUUID(), randomUUID()],
      deadline: timestampNow(),
      reporterId,
    });
    return { juryId, message };
  }

  it('files a started jury as its reporter report of the message, once however often the event comes', async () => {
    const [ann] = viewers;
    const [broadcastId, messageId] = [randomUUID(), randomUUID()];
    const { juryId, message } = juryStarted(broadcastId, messageId, ann.id);
    const eventId = await p.publish(JuryStartedEvent, message);
    await waitUntil(async () => (await detail(messageId)).status === 200, 15_000, 'the message in the queue');
    await p.publish(JuryStartedEvent, message, { id: eventId });
    const { body } = await detail(messageId);
    expect(body).toMatchObject({
      targetType: 'message',
      targetId: messageId,
      message: { broadcastId, authorId: viewers[2].id, authorHandle: viewers[2].handle, text: 'you are all idiots' },
      distinctReporters: 1,
      weight: 1,
      reasons: { chat_jury: 1 },
    });
    expect(body.reports).toEqual([expect.objectContaining({ reporterId: ann.id, source: 'chat_jury', juryId, verdict: null, status: 'open' })]);
    // A later event on the same partition has been applied: the redelivery before it added nothing.
    const marker = juryStarted(broadcastId, randomUUID(), ann.id);
    await p.publish(JuryStartedEvent, marker.message);
    await waitUntil(async () => (await detail(marker.message.messageId)).status === 200, 15_000, 'the marker');
    expect(await p.sql('SELECT count(*)::int AS n FROM report WHERE target_id = $1', [messageId])).toEqual([{ n: 1 }]);
  });

  it('weighs a guilty verdict by its guilty votes, above a target with more reporters; an acquittal adds nothing', async () => {
    const [ann, bob] = viewers;
    const broadcastId = randomUUID();
    const [convicted, acquitted] = [juryStarted(broadcastId, randomUUID(), ann.id), juryStarted(broadcastId, randomUUID(), bob.id)];
    await p.publish(JuryStartedEvent, convicted.message);
    await p.publish(JuryStartedEvent, acquitted.message);
    const reportedTwice = randomUUID();
    for (const u of [ann, bob]) expect((await p.answer('POST', '/v1/reports', u, { targetType: 'broadcast', targetId: reportedTwice, reason: 'spam' })).status).toBe(201);
    await waitUntil(async () => (await weightOf(acquitted.message.messageId)) === 1, 15_000, 'both messages in the queue');
    expect(await weightOf(convicted.message.messageId)).toBe(1);

    const verdict = (j: typeof convicted, guilty: boolean, guiltyVotes: number) =>
      create(JuryVerdictSchema, { broadcastId, juryId: j.juryId, authorId: viewers[2].id, guilty, guiltyVotes, jurors: 3 });
    await p.publish(JuryVerdictEvent, verdict(acquitted, false, 1));
    await p.publish(JuryVerdictEvent, verdict(convicted, true, 3));
    await waitUntil(async () => (await weightOf(convicted.message.messageId)) === 4, 15_000, 'the guilty verdict weighed in');
    expect(await weightOf(acquitted.message.messageId)).toBe(1);
    const items = (await p.answer('GET', '/v1/ops/reports?limit=100', p.operator)).body.items as Array<{ targetId: string }>;
    const order = items.map((i) => i.targetId).filter((id) => [convicted.message.messageId, reportedTwice, acquitted.message.messageId].includes(id));
    expect(order).toEqual([convicted.message.messageId, reportedTwice, acquitted.message.messageId]);
    expect((await detail(convicted.message.messageId)).body).toMatchObject({ convictingVotes: 3, weight: 4, reports: [{ verdict: 'guilty', guiltyVotes: 3 }] });
    expect((await detail(acquitted.message.messageId)).body.reports[0]).toMatchObject({ verdict: 'acquitted', guiltyVotes: 0 });
    // Dismissed, its verdict no longer weighs.
    expect((await p.answer('POST', `/v1/ops/reports/targets/message/${convicted.message.messageId}/dismiss`, p.operator, { reason: 'a joke between friends' })).status).toBe(200);
    expect(await weightOf(convicted.message.messageId)).toBeUndefined();
  });

  it('keeps a jury whose event names no reporter (chat before reporter_id), unattributed', async () => {
    const { message } = juryStarted(randomUUID(), randomUUID(), '');
    await p.publish(JuryStartedEvent, message);
    await waitUntil(async () => (await detail(message.messageId)).status === 200, 15_000, 'the message in the queue');
    expect((await detail(message.messageId)).body.reports).toEqual([expect.objectContaining({ reporterId: null, source: 'chat_jury' })]);
  });
});
