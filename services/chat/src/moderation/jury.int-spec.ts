import { JuryStartedEvent } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startChatPlatform, type ChatClient, type ChatPlatform } from '../chat.test-app.js';

// Flash juries across two pods: jurors called wherever their socket is, a majority mutes the
// author (2 s here instead of 60), the mute expires, a second conviction mutes for good.
describe('flash juries and mutes', () => {
  const ctx = TestContext.create('chat_jury');
  let platform: ChatPlatform;
  let users: TestUser[];

  beforeAll(async () => {
    platform = await startChatPlatform(ctx, { CHAT_JURY_MUTE_SECONDS: '2', CHAT_JURY_SECONDS: '8' });
    users = await Promise.all(Array.from({ length: 7 }, () => ctx.newUser()));
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  it('convicts on a majority, mutes the author for a while, then for the rest of the broadcast', async () => {
    const [ann, author, reporter, ...jurorUsers] = users;
    // ops files each jury as its reporter's report of the message: the event names the reporter.
    const started = await EventCollector.start(ctx, JuryStartedEvent);
    const id = await platform.liveBroadcast(ann);
    const owner = await platform.join(ann, id, 0);
    const x = await platform.join(author, id, 1);
    const r = await platform.join(reporter, id, 0);
    const jurors: ChatClient[] = [];
    for (const [i, u] of jurorUsers.entries()) jurors.push(await platform.join(u, id, i % 2));
    // Every pod knows every active viewer (presence reports) before the report.
    await r.next('presence', (f) => f.joined === 7, 0, 20_000);

    const convict = async (text: string) => {
      const { messageId } = await x.request({ type: 'message', text });
      await r.next('messages', (f) => (f.items as Array<{ messageId: string }>).some((m) => m.messageId === messageId));
      const reported = await r.request({ type: 'report', messageId });
      expect(reported).toMatchObject({ type: 'ack', juryId: expect.any(String) });
      const juryId = reported.juryId as string;
      await waitUntil(() => started.events.some((e) => e.message.juryId === juryId), 10_000, 'jury_started on the room topic');
      expect(started.events.find((e) => e.message.juryId === juryId)?.message).toMatchObject({ reporterId: reporter.id, authorId: author.id, messageId });
      // The four possible jurors are called, on both pods; the author, reporter and broadcaster are not.
      for (const j of jurors) await j.next('jury', (f) => f.juryId === juryId);
      for (const c of [x, r, owner]) expect(c.frames.some((f) => f.type === 'jury' && f.juryId === juryId)).toBe(false);
      for (const j of jurors.slice(0, 3)) expect(await j.request({ type: 'vote', juryId, guilty: true })).toMatchObject({ type: 'ack' });
      const verdict = await owner.next('verdict', (f) => f.juryId === juryId);
      expect(verdict).toMatchObject({ guilty: true, guiltyVotes: 3, jurors: 4, authorId: author.id });
      expect((await jurors[3].request({ type: 'vote', juryId, guilty: false })).error).toMatchObject({ code: 'CHAT.JURY_CLOSED' });
      await waitUntil(() => x.lastState()?.reason === 'MUTED', 10_000, 'the author muted');
    };

    await convict('something rude');
    expect((await x.request({ type: 'message', text: 'can I talk?' })).error).toMatchObject({ code: 'CHAT.MUTED', details: { until: expect.any(String) } });
    // A first conviction lasts 2 s here.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await x.request({ type: 'message', text: 'sorry' })).toMatchObject({ type: 'ack' });

    await convict('rude again');
    await new Promise((r) => setTimeout(r, 2500));
    const still = await x.request({ type: 'message', text: 'and now?' });
    expect(still.error).toMatchObject({ code: 'CHAT.MUTED', details: { until: null } });
    expect(x.lastState()).toMatchObject({ canWrite: false, mutedUntil: 'end' });

    // The replay leaves out what the juries convicted, and keeps the rest.
    expect((await platform.call(platform.sessions, 'POST', `/v1/broadcasts/${id}/end`, ann)).status).toBe(200);
    const { ticket } = await json(await platform.chatTicket(reporter, id));
    let texts: string[] = [];
    await waitUntil(async () => {
      const replay = await json(await platform.call(platform.pods[0].url, 'GET', `/v1/chat/broadcasts/${id}/replay?ticket=${ticket}`, reporter));
      texts = (replay.items as Array<{ kind: string; text?: string }>).filter((i) => i.kind === 'message').map((i) => i.text!);
      return texts.includes('sorry');
    }, 20_000, 'the archive to hold the room');
    expect(texts).toEqual(['sorry']);
  }, 90_000);

  it('acquits without a majority by the deadline, refuses a second report and lets the broadcaster switch juries off', async () => {
    const [ann, author, reporter, j1] = users;
    const id = await platform.liveBroadcast(ann);
    const owner = await platform.join(ann, id, 1);
    const x = await platform.join(author, id, 0);
    const r = await platform.join(reporter, id, 1);
    const juror = await platform.join(j1, id, 0);
    await r.next('presence', (f) => f.joined === 4, 0, 20_000);
    const { messageId } = await x.request({ type: 'message', text: 'borderline' });
    await r.next('messages', (f) => (f.items as Array<{ messageId: string }>).some((m) => m.messageId === messageId));
    const { juryId } = await r.request({ type: 'report', messageId });
    expect((await r.request({ type: 'report', messageId })).error).toMatchObject({ code: 'CHAT.ALREADY_REPORTED' });
    await juror.next('jury', (f) => f.juryId === juryId);
    expect(await juror.request({ type: 'vote', juryId, guilty: false })).toMatchObject({ type: 'ack' });
    const verdict = await owner.next('verdict', (f) => f.juryId === juryId, 0, 20_000);
    expect(verdict).toMatchObject({ guilty: false, guiltyVotes: 0, jurors: 1 });
    expect(await x.request({ type: 'message', text: 'still here' })).toMatchObject({ type: 'ack' });

    expect(await owner.request({ type: 'settings', juries: false })).toMatchObject({ type: 'ack' });
    await waitUntil(() => r.lastState()?.juries === false, 10_000, 'juries off');
    const { messageId: next } = await x.request({ type: 'message', text: 'another one' });
    await r.next('messages', (f) => (f.items as Array<{ messageId: string }>).some((m) => m.messageId === next));
    expect((await r.request({ type: 'report', messageId: next })).error).toMatchObject({ code: 'CHAT.JURIES_OFF' });
  }, 60_000);

  it('lets the broadcaster mute and unmute a viewer', async () => {
    const [ann, author] = users;
    const id = await platform.liveBroadcast(ann);
    const owner = await platform.join(ann, id, 0);
    const x = await platform.join(author, id, 1);
    expect((await x.request({ type: 'mute', accountId: ann.id })).error).toMatchObject({ code: 'CHAT.NOT_BROADCASTER' });
    expect(await owner.request({ type: 'mute', accountId: author.id })).toMatchObject({ type: 'ack' });
    await x.next('state', (s) => s.reason === 'MUTED' && s.mutedUntil === 'end');
    expect((await x.request({ type: 'message', text: 'hello?' })).error).toMatchObject({ code: 'CHAT.MUTED' });
    expect(await owner.request({ type: 'unmute', accountId: author.id })).toMatchObject({ type: 'ack' });
    await waitUntil(() => x.lastState()?.canWrite === true, 10_000, 'the viewer unmuted');
    expect(await x.request({ type: 'message', text: 'thanks' })).toMatchObject({ type: 'ack' });
  });
});
