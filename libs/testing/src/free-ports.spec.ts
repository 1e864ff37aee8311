import { freePort, freePorts } from './free-ports.js';

describe('free ports', () => {
  it('never hands out a port twice, even to calls made at the same moment', async () => {
    const singles = await Promise.all(Array.from({ length: 300 }, () => freePort()));
    const ranges = await Promise.all(Array.from({ length: 20 }, () => freePorts(3)));
    const all = [...singles, ...ranges.flatMap((base) => [base, base + 1, base + 2])];
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((p) => p >= 20_000 && p < 32_000)).toBe(true);
  });
});
