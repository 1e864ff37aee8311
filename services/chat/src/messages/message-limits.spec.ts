import { MessageLimits } from './message-limits.js';

describe('MessageLimits', () => {
  it('lets a burst of 5 through, then 1 per second', () => {
    const limits = new MessageLimits(1, 5);
    const t0 = 1_000_000;
    const verdicts = Array.from({ length: 7 }, (_, i) => limits.check('r', 'a', `m${i}`, t0));
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
    expect(limits.check('r', 'a', 'later', t0 + 999)).toBe('rate_limited');
    expect(limits.check('r', 'a', 'later', t0 + 1001)).toBe('ok');
    // Each writer and room has its own bucket.
    expect(limits.check('r', 'b', 'm0', t0)).toBe('ok');
    expect(limits.check('other', 'a', 'm0', t0)).toBe('ok');
  });

  it('collapses an identical message within 30 s without spending a token', () => {
    const limits = new MessageLimits(1, 2);
    expect(limits.check('r', 'a', 'hello', 0)).toBe('ok');
    expect(limits.check('r', 'a', 'hello', 10)).toBe('duplicate');
    expect(limits.check('r', 'a', 'world', 20)).toBe('ok');
    expect(limits.check('r', 'a', 'hello', 31_000)).toBe('ok');
  });

  it('calls ten refusals within ten seconds a flood', () => {
    const limits = new MessageLimits(1, 1);
    limits.check('r', 'a', 'x', 0);
    const floods = Array.from({ length: 10 }, (_, i) => limits.refused('r', 'a', i * 100));
    expect(floods.slice(0, 9).every((f) => !f)).toBe(true);
    expect(floods[9]).toBe(true);
    expect(limits.refused('r', 'a', 30_000)).toBe(false);
  });
});
