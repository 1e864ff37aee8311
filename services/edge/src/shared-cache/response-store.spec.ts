import { ResponseStore, type StoredResponse } from './response-store.js';

const entry = (bytes: number, expiresAt = Number.MAX_SAFE_INTEGER): StoredResponse => ({
  headers: {},
  body: Buffer.alloc(bytes),
  storedAt: 0,
  expiresAt,
  needsToken: false,
});

describe('ResponseStore', () => {
  it('forgets an answer once it expires', () => {
    const store = new ResponseStore(1 << 20);
    store.put('/a', entry(10, 1000));
    expect(store.fresh('/a', 999)).toBeDefined();
    expect(store.fresh('/a', 1000)).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.storedBytes).toBe(0);
  });

  it('stays within its bytes, dropping the least recently used first', () => {
    const store = new ResponseStore(10_000);
    store.put('/1', entry(3000));
    store.put('/2', entry(3000));
    expect(store.fresh('/1')).toBeDefined(); // /1 is now the most recently used
    store.put('/3', entry(3000));
    expect(store.fresh('/2')).toBeUndefined();
    expect(store.fresh('/1')).toBeDefined();
    expect(store.fresh('/3')).toBeDefined();
    expect(store.storedBytes).toBeLessThanOrEqual(10_000);
  });

  it('counts every entry, so empty bodies cannot fill memory without bound', () => {
    const store = new ResponseStore(100_000);
    for (let i = 0; i < 10_000; i++) store.put(`/empty/${i}`, entry(0));
    expect(store.size).toBeLessThan(100);
    expect(store.storedBytes).toBeLessThanOrEqual(100_000);
  });

  it('refuses an answer larger than the whole store, and replaces one stored under the same key', () => {
    const store = new ResponseStore(10_000);
    store.put('/big', entry(20_000));
    expect(store.size).toBe(0);
    store.put('/a', entry(1000));
    store.put('/a', entry(2000));
    expect(store.size).toBe(1);
    expect(store.fresh('/a')?.body.length).toBe(2000);
  });
});
