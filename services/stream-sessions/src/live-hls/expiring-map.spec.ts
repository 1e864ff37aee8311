import { ExpiringMap } from './expiring-map.js';

describe('ExpiringMap', () => {
  it('answers from the map until the entry expires, then makes it anew', () => {
    const map = new ExpiringMap<string, number>(1000, 10);
    let made = 0;
    const make = () => ++made;
    expect(map.getOrSet('a', make, 0)).toBe(1);
    expect(map.getOrSet('a', make, 999)).toBe(1);
    expect(map.getOrSet('a', make, 1000)).toBe(2);
    map.delete('a');
    expect(map.getOrSet('a', make, 1001)).toBe(3);
  });

  it('drops the oldest entries past its size', () => {
    const map = new ExpiringMap<string, string>(60_000, 2);
    for (const key of ['a', 'b', 'c']) map.getOrSet(key, () => key, 0);
    expect(map.getOrSet('a', () => 'new a', 1)).toBe('new a');
    expect(map.getOrSet('c', () => 'new c', 1)).toBe('c');
  });
});
