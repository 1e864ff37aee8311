/**
 * A map whose entries live `ttlMs`, holding at most `maxEntries` (the oldest go first). For
 * answers that may be a moment stale: a live audience polls the same playlist every 2 s.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The value stored under `key` less than `ttlMs` ago, else a new one from `make` (stored). */
  getOrSet(key: K, make: () => V, now = Date.now()): V {
    const found = this.entries.get(key);
    if (found && found.expiresAt > now) return found.value;
    this.entries.delete(key);
    const value = make();
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    // Insertion order is age order: trimming from the front drops the oldest.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
