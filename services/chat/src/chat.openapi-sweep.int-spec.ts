import { json, sweepOpenApi, TestContext, waitUntil } from '@onair/testing';
import { startChatPlatform } from './chat.test-app.js';

// Every operation chat's OpenAPI document lists, first valid (a real replay, a real chat ticket,
// a real cursor) so the handler runs, then with one parameter at a time made hostile: never a
// 5xx, always a stable error code.
describe('chat: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('chat_sweep');
  afterAll(() => ctx.cleanup(), 60_000);

  it('sweeps the whole API', async () => {
    const platform = await startChatPlatform(ctx, {}, 1);
    const ann = await ctx.newUser();
    const id = await platform.liveBroadcast(ann);
    const chat = await platform.join(ann, id);
    for (const text of ['one', 'two', 'three']) await chat.request({ type: 'message', text });
    const { ticket } = await json(await platform.chatTicket(ann, id));
    const base = platform.pods[0].url;
    const page = async (query: string) => json(await platform.call(base, 'GET', `/v1/chat/broadcasts/${id}/replay?ticket=${ticket}${query}`, ann));
    await waitUntil(async () => (await page('')).items?.length === 3, 20_000, 'the messages archived');
    const { nextCursor } = await page('&limit=1');
    expect(nextCursor).toEqual(expect.any(String));

    const doc = await json(await fetch(`${base}/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/chat/broadcasts/{broadcastId}/replay']));
    const result = await sweepOpenApi({
      baseUrl: base,
      authHeader: ann.authHeader,
      pathValues: { broadcastId: [id] },
      queryValues: { ticket: [ticket], cursor: [nextCursor] },
    });
    expect(result.findings).toEqual([]);
    expect(result.reached).toBeGreaterThan(3);
    expect(result.unreached).toEqual([]);
  }, 240_000);
});
