import { broadcastOfKey, keyMatches, newStreamKey } from './stream-key.js';

describe('stream keys', () => {
  const broadcastId = '7d3c2a10-4b5e-4f60-8a7b-9c0d1e2f3a4b';

  it('names its broadcast and matches only its own digest', () => {
    const { key, sha256, hint } = newStreamKey(broadcastId);
    expect(key).toMatch(/^osk_7d3c2a104b5e4f608a7b9c0d1e2f3a4b_[A-Za-z0-9_-]{43}$/);
    expect(broadcastOfKey(key)).toBe(broadcastId);
    expect(keyMatches(key, sha256)).toBe(true);
    expect(key.endsWith(hint)).toBe(true);
    expect(keyMatches(newStreamKey(broadcastId).key, sha256)).toBe(false);
  });

  it.each([[''], ['osk_'], ['Bearer x'], [`osk_${'0'.repeat(32)}_short`], ['x'.repeat(10_000)]])('reads no broadcast from %p', (text) => {
    expect(broadcastOfKey(text)).toBeUndefined();
  });
});
