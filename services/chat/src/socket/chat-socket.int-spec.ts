import { json, TestContext, type TestUser } from '@onair/testing';
import { WebSocket } from 'ws';
import { ChatClient, startChatPlatform, type ChatPlatform } from '../chat.test-app.js';

// Who gets into a room and stays, and what hostile input gets: an error frame or a documented
// close, never a crash.
describe('the chat socket', () => {
  const ctx = TestContext.create('chat_socket');
  let platform: ChatPlatform;
  let ann: TestUser, bob: TestUser, cat: TestUser, dan: TestUser;

  beforeAll(async () => {
    platform = await startChatPlatform(ctx, {}, 2);
    [ann, bob, cat, dan] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  const socketUrl = (ticket: string, extra = '') => `${platform.pods[0].url.replace('http', 'ws')}/v1/chat/socket?ticket=${ticket}${extra}`;
  const ticketOf = async (user: TestUser, id: string) => (await json(await platform.chatTicket(user, id))).ticket as string;

  it('admits only the circle to a private broadcast', async () => {
    await platform.call(platform.graph, 'POST', `/v1/graph/follows/${ann.id}`, bob);
    const circle = await json(await platform.call(platform.graph, 'POST', '/v1/graph/circles', ann, { name: 'inner' }));
    await platform.call(platform.graph, 'PUT', `/v1/graph/circles/${circle.id}/members/${bob.id}`, ann);
    const id = await platform.liveBroadcast(ann, `circle:${circle.id}`);
    const refused = await platform.chatTicket(cat, id);
    expect({ status: refused.status, code: (await json(refused)).error.code }).toEqual({ status: 403, code: 'STREAM_SESSIONS.NOT_ADMITTED' });
    const member = await platform.join(bob, id, 1);
    expect(await member.request({ type: 'message', text: 'inner circle only' })).toMatchObject({ type: 'ack' });
  });

  it("closes a viewer's socket within seconds when the broadcaster blocks them", async () => {
    const id = await platform.liveBroadcast(ann);
    const [victim, other] = [await platform.join(dan, id, 1), await platform.join(cat, id, 0)];
    const started = Date.now();
    expect((await platform.call(platform.graph, 'PUT', `/v1/graph/blocks/${dan.id}`, ann)).status).toBeLessThan(300);
    expect(await victim.closed).toEqual({ code: 4403, reason: 'CHAT.ADMISSION_REVOKED' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(other.open).toBe(true);
    expect((await platform.chatTicket(dan, id)).status).toBe(403);
  });

  it('answers malformed, unknown, invalid and binary frames with error frames and stays open', async () => {
    const id = await platform.liveBroadcast(ann);
    const c = await platform.join(cat, id);
    const expectError = async (send: () => void, code: string) => {
      const from = c.frames.length;
      send();
      expect((await c.next('error', () => true, from)).error).toMatchObject({ code });
    };
    await expectError(() => c.send('{"type": "message", "text": '), 'CHAT.MALFORMED_FRAME');
    await expectError(() => c.send({ type: 'teleport', to: 'moon' }), 'CHAT.MALFORMED_FRAME');
    await expectError(() => c.send({ type: 'message', text: 'x'.repeat(281) }), 'REQUEST.VALIDATION_FAILED');
    await expectError(() => c.send({ type: 'message', text: 'evil\u202Etxt' }), 'REQUEST.VALIDATION_FAILED');
    await expectError(() => c.send({ type: 'message', text: '   ' }), 'REQUEST.VALIDATION_FAILED');
    await expectError(() => c.send({ type: 'hearts', count: 10_000 }), 'REQUEST.VALIDATION_FAILED');
    await expectError(() => c.ws.send(Buffer.from([1, 2, 3]), { binary: true }), 'CHAT.MALFORMED_FRAME');
    await expectError(() => c.send('[]'), 'CHAT.MALFORMED_FRAME');
    expect(c.open).toBe(true);
    // 280 characters of emoji are 280 characters.
    expect(await c.request({ type: 'message', text: '😀'.repeat(280) })).toMatchObject({ type: 'ack' });
  });

  it('closes an oversize frame with 1009, a burst before admission with 4429, and refuses reused, foreign and missing tickets', async () => {
    const id = await platform.liveBroadcast(ann);
    const big = await platform.join(cat, id);
    big.send({ type: 'message', text: 'x'.repeat(5000) });
    expect((await big.closed).code).toBe(1009);

    const ws = new WebSocket(socketUrl(await ticketOf(cat, id)));
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    await new Promise((r) => ws.once('open', r));
    for (let i = 0; i < 100; i++) ws.send(JSON.stringify({ type: 'presence', watching: true }));
    expect(await closed).toEqual({ code: 4429, reason: 'SIGNAL.TOO_MANY_PENDING' });

    const ticket = await ticketOf(cat, id);
    await (await ChatClient.connect(ctx, socketUrl(ticket))).next('joined');
    const reused = await ChatClient.connect(ctx, socketUrl(ticket));
    expect(await reused.closed).toEqual({ code: 4401, reason: 'MEDIA.TICKET_USED' });
    const foreign = await ChatClient.connect(ctx, socketUrl(await ticketOf(cat, id), `&broadcastId=${await platform.liveBroadcast(ann)}`));
    expect(await foreign.closed).toEqual({ code: 4403, reason: 'MEDIA.TICKET_WRONG_BROADCAST' });
    const none = await ChatClient.connect(ctx, socketUrl(''));
    expect(await none.closed).toEqual({ code: 4401, reason: 'MEDIA.TICKET_INVALID' });
    // The pod is still there.
    expect((await fetch(`${platform.pods[0].url}/readyz`)).status).toBe(200);
  });

  it('closes every socket when the broadcast ends, and refuses the room from then on', async () => {
    const id = await platform.liveBroadcast(ann);
    const ticket = await ticketOf(cat, id);
    const c = await platform.join(cat, id);
    expect((await platform.call(platform.sessions, 'POST', `/v1/broadcasts/${id}/end`, ann)).status).toBe(200);
    expect(await c.closed).toEqual({ code: 1000, reason: 'CHAT.BROADCAST_ENDED' });
    const late = await ChatClient.connect(ctx, socketUrl(ticket));
    expect(await late.closed).toEqual({ code: 4410, reason: 'CHAT.BROADCAST_ENDED' });
  });
});
