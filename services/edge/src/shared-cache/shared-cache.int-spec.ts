import type { INestApplication } from '@nestjs/common';
import { TestContext, type TestUser } from '@onair/testing';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';

/**
 * "Some upstream" (none of ours): counts what reaches it per target and answers as the query
 * asks: `cc` its Cache-Control, `bytes` the body's size, `delay` ms before answering, `status`,
 * `cookie`/`vary` those headers, `cut` a body cut off half-way. The body names the answer's
 * number, so a client can tell one upstream answer from another.
 */
function startUpstream(): Promise<{ url: string; hits: (target: string) => number; auth: string[]; server: Server }> {
  const hits = new Map<string, number>();
  const auth: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '/';
    const n = (hits.get(target) ?? 0) + 1;
    hits.set(target, n);
    auth.push(req.headers.authorization ?? '');
    const q = new URL(target, 'http://upstream').searchParams;
    const body = Buffer.alloc(Number(q.get('bytes') ?? 64), `answer ${n};`);
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', 'content-length': body.length };
    if (q.get('cc')) headers['cache-control'] = q.get('cc')!;
    if (q.get('cookie')) headers['set-cookie'] = 'a=b';
    if (q.get('vary')) headers.vary = 'Accept-Encoding';
    setTimeout(() => {
      res.writeHead(Number(q.get('status') ?? 200), headers);
      if (q.get('cut') && n === 1) {
        res.write(body.subarray(0, body.length / 2));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end(body);
    }, Number(q.get('delay') ?? 0));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, hits: (t) => hits.get(t) ?? 0, auth, server });
    }),
  );
}

describe('the edge keeps what upstreams mark public, as a CDN would (real identity, an upstream double)', () => {
  const ctx = TestContext.create('edge_shared_cache');
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let edge: INestApplication;
  let base: string;
  let ann: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    upstream = await startUpstream();
    ctx.onCleanup(() => new Promise((resolve) => upstream.server.close(resolve)));
    edge = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: `identity=${identity.url}`,
        EDGE_ROUTES: JSON.stringify({ '/v1/things': upstream.url }),
        EDGE_SHARED_CACHE_MB: '2',
        EDGE_SHARED_CACHE_MAX_ENTRY_MB: '1',
        EDGE_SHARED_CACHE_MAX_TTL_SECONDS: '2',
      }),
    );
    await edge.listen(0, '127.0.0.1');
    ctx.onCleanup(() => edge.close());
    base = `http://127.0.0.1:${(edge.getHttpServer().address() as AddressInfo).port}`;
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
  }, 120_000);
  afterAll(() => ctx.cleanup(), 60_000);

  let seq = 0;
  /** A target nobody has asked for yet. */
  const fresh = (query: string) => `/v1/things/${++seq}?${query}`;
  const get = async (target: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${target}`, { headers });
    return { status: res.status, cache: res.headers.get('x-edge-cache'), age: res.headers.get('age'), cc: res.headers.get('cache-control'), body: await res.text() };
  };

  it('answers a public target from memory until its max-age has passed', async () => {
    const target = fresh('cc=public,max-age=1');
    const first = await get(target);
    const second = await get(target);
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);
    expect(second.cc).toBe('public,max-age=1');
    expect(Number(second.age)).toBeGreaterThanOrEqual(0);
    expect(upstream.hits(target)).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get(target)).body).toContain('answer 2;');
    expect(upstream.hits(target)).toBe(2);
  });

  it('keeps no answer longer than its own limit, whatever the max-age says', async () => {
    const target = fresh('cc=public,max-age=86400,immutable');
    await get(target);
    expect((await get(target)).cache).toBe('hit');
    await new Promise((r) => setTimeout(r, 2100));
    await get(target);
    expect(upstream.hits(target)).toBe(2);
  });

  it('sends a crowd asking at once for a new target upstream once: the others wait for that answer', async () => {
    const target = fresh('cc=public,max-age=1&delay=300&bytes=200000');
    const answers = await Promise.all(Array.from({ length: 50 }, () => get(target, ann.authHeader)));
    expect(upstream.hits(target)).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.every((a) => a.status === 200 && a.body.length === 200_000)).toBe(true);
  });

  it('passes through, every time, what is private, unmarked, personal, varying or not a 200', async () => {
    for (const query of ['cc=private,max-age=60', 'cc=public,no-store', 'cc=max-age=60', '', 'cc=public,max-age=60&cookie=1', 'cc=public,max-age=60&vary=1', 'cc=public,max-age=60&status=404']) {
      const target = fresh(query);
      const answers = [await get(target), await get(target)];
      expect(answers.map((a) => a.cache)).toEqual([null, null]);
      expect(upstream.hits(target)).toBe(2);
    }
  });

  it('never keeps an answer larger than its per-entry limit, nor answers a Range or a POST from memory', async () => {
    const big = fresh('cc=public,max-age=60&bytes=1100000');
    await get(big);
    await get(big);
    expect(upstream.hits(big)).toBe(2);
    const target = fresh('cc=public,max-age=60');
    await get(target);
    const ranged = await fetch(`${base}${target}`, { headers: { range: 'bytes=0-3' } });
    expect(ranged.headers.get('x-edge-cache')).toBeNull();
    await ranged.arrayBuffer();
    const posted = await fetch(`${base}${target}`, { method: 'POST', body: 'x' });
    await posted.arrayBuffer();
    expect(upstream.hits(target)).toBe(3);
  });

  it('stays within its memory: the least recently used answers leave first', async () => {
    const targets = Array.from({ length: 8 }, () => fresh('cc=public,max-age=60&bytes=400000'));
    for (const t of targets) await get(t);
    // 2 MiB hold at most five of these: the first ones are gone.
    expect((await get(targets[0])).cache).toBe('miss');
    expect((await get(targets[7])).cache).toBe('hit');
  });

  it('serves an answer filled with a token only to valid tokens; others reach the upstream and its verdict', async () => {
    const target = fresh('cc=public,max-age=60');
    expect((await get(target, ann.authHeader)).cache).toBe('miss');
    // Another valid account shares it, as it would at a CDN.
    expect((await get(target, bob.authHeader)).cache).toBe('hit');
    const [, payload] = ann.accessToken.split('.');
    const forged = `${ann.accessToken.split('.')[0]}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const headers of [{}, { authorization: `Bearer ${forged}` }, { authorization: 'Basic abc' }] as Array<Record<string, string>>) {
      expect((await get(target, headers)).cache).toBeNull();
    }
    expect(upstream.hits(target)).toBe(4);
    expect(upstream.auth.slice(-3)).toEqual(['', `Bearer ${forged}`, 'Basic abc']);
  });

  it('does not keep an answer the upstream cut off: its client gets a 502, the next request goes upstream', async () => {
    const target = fresh('cc=public,max-age=60&cut=1&bytes=100000');
    // The whole answer is read before any of it is relayed, so the client gets a clean error.
    const cut = await get(target);
    expect(cut.status).toBe(502);
    expect(JSON.parse(cut.body).error.code).toBe('EDGE.UPSTREAM_UNAVAILABLE');
    const again = await get(target);
    expect(again).toMatchObject({ status: 200, cache: 'miss' });
    expect(again.body).toContain('answer 2;');
  });
});
