/** One answer kept by the shared cache: enough to write it again, byte for byte. */
export interface StoredResponse {
  headers: Record<string, string | string[]>;
  body: Buffer;
  storedAt: number;
  expiresAt: number;
  /** The request that filled it carried credentials: hits must present valid ones too. */
  needsToken: boolean;
}

/** What an entry costs beyond its body (key, headers, bookkeeping): empty bodies are not free. */
const ENTRY_OVERHEAD_BYTES = 1024;

const costOf = (key: string, response: StoredResponse) => response.body.length + key.length + ENTRY_OVERHEAD_BYTES;

/**
 * Answers by request target, bounded by total bytes; the least recently used go first. Map
 * order is use order: a hit moves its entry to the end.
 */
export class ResponseStore {
  private readonly entries = new Map<string, StoredResponse>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get storedBytes(): number {
    return this.bytes;
  }

  /** A fresh answer for `key`, else undefined (an expired one is dropped). */
  fresh(key: string, now = Date.now()): StoredResponse | undefined {
    const found = this.entries.get(key);
    if (!found) return undefined;
    this.entries.delete(key);
    if (found.expiresAt <= now) {
      this.bytes -= costOf(key, found);
      return undefined;
    }
    this.entries.set(key, found);
    return found;
  }

  put(key: string, response: StoredResponse): void {
    if (costOf(key, response) > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= costOf(key, previous);
    }
    this.entries.set(key, response);
    this.bytes += costOf(key, response);
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= costOf(oldest, entry);
    }
  }
}
