import type { IncomingHttpHeaders } from 'node:http';
import { parseCacheControl, sharedLifetimeMs } from './cache-control.js';

const answer = (headers: IncomingHttpHeaders, statusCode = 200) => ({ statusCode, headers });

describe('Cache-Control for a shared cache', () => {
  it('reads the directives that matter, whatever their case and spacing', () => {
    expect(parseCacheControl('Public,  MAX-AGE=1')).toEqual({ public: true, private: false, noStore: false, noCache: false, maxAge: 1 });
    expect(parseCacheControl(['private', 'max-age="86400"'])).toMatchObject({ private: true, maxAge: 86400 });
    expect(parseCacheControl('public, max-age=-1, s-maxage=1e3')).toEqual({ public: true, private: false, noStore: false, noCache: false });
    expect(parseCacheControl(undefined)).toEqual({ public: false, private: false, noStore: false, noCache: false });
  });

  it('keeps a public 200 for its max-age, capped; s-maxage wins over max-age', () => {
    expect(sharedLifetimeMs(answer({ 'cache-control': 'public, max-age=1' }), 30_000)).toBe(1000);
    expect(sharedLifetimeMs(answer({ 'cache-control': 'public, max-age=86400, immutable' }), 30_000)).toBe(30_000);
    expect(sharedLifetimeMs(answer({ 'cache-control': 'max-age=60, s-maxage=5' }), 30_000)).toBe(5000);
  });

  it('never keeps what only the requester may see, or what the origin did not mark shareable', () => {
    const never = [
      answer({ 'cache-control': 'private, max-age=1' }),
      answer({ 'cache-control': 'public, no-store, max-age=5' }),
      answer({ 'cache-control': 'public, no-cache, max-age=5' }),
      answer({ 'cache-control': 'max-age=5' }),
      answer({ 'cache-control': 'public' }),
      answer({}),
      answer({ 'cache-control': 'public, max-age=5', 'set-cookie': ['a=b'] }),
      answer({ 'cache-control': 'public, max-age=5', vary: 'Accept-Encoding' }),
      answer({ 'cache-control': 'public, max-age=5' }, 404),
      answer({ 'cache-control': 'public, max-age=5' }, 206),
    ];
    for (const res of never) expect(sharedLifetimeMs(res, 30_000)).toBe(0);
  });
});
