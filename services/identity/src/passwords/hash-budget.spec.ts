import { HashBudget } from './hash-budget.js';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HashBudget', () => {
  it('never has more bytes in flight than the budget, and serves waiters first come first served', async () => {
    const budget = new HashBudget(100, 5_000, 10);
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    const work = (i: number) => async () => {
      inFlight += 40;
      peak = Math.max(peak, inFlight);
      await later(20);
      inFlight -= 40;
      order.push(i);
      return i;
    };
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => budget.run(40, work(i))));
    expect(results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(80);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses with IDENTITY.BUSY and a Retry-After after the wait, or at once past the queue bound', async () => {
    const budget = new HashBudget(100, 100, 1);
    const hold = budget.run(100, () => later(300));
    const waited = budget.run(50, async () => 'never');
    const queueFull = budget.run(50, async () => 'never');
    await expect(queueFull).rejects.toMatchObject({ code: 'IDENTITY.BUSY', kind: 'unavailable', details: { retryAfterSeconds: 1 } });
    await expect(waited).rejects.toMatchObject({ code: 'IDENTITY.BUSY' });
    await hold;
    await expect(budget.run(100, async () => 'ran')).resolves.toBe('ran');
  });

  it('frees the budget when the work fails', async () => {
    const budget = new HashBudget(10, 50, 1);
    await expect(budget.run(10, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(budget.run(10, async () => 'ok')).resolves.toBe('ok');
  });
});
