import { meter } from '@onair/telemetry';
import { PasswordHashBusyError } from './password.errors.js';

interface Waiter {
  bytes: number;
  grant: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Bounds the memory that password hashes in flight may take. scrypt's working memory
 * (128·N·r bytes, 128 MiB at logN 17) lives outside the JS heap and libuv runs four at once,
 * so without a bound a burst of unauthenticated sign-ins pushes the process past its memory
 * limit. A hash runs when its memory fits the budget; otherwise it waits, first come first
 * served, at most `maxWaitMs` and behind at most `maxWaiting` others, then is refused with
 * `IDENTITY.BUSY` (503, Retry-After).
 */
export class HashBudget {
  private inUse = 0;
  private readonly waiting: Waiter[] = [];
  private readonly refused = meter('identity').createCounter('identity_password_hashes_refused_total', {
    description: 'password hashes refused because the memory budget stayed full',
  });

  constructor(
    readonly budgetBytes: number,
    private readonly maxWaitMs: number,
    private readonly maxWaiting: number,
  ) {
    meter('identity')
      .createObservableGauge('identity_password_hash_memory_bytes', { description: 'memory reserved by password hashes in flight' })
      .addCallback((r) => r.observe(this.inUse));
  }

  /** Runs `work` once `bytes` of the budget are free; throws PasswordHashBusyError if they do not free up in time. */
  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    if (bytes > this.budgetBytes) throw new Error(`a hash of ${bytes} bytes can never fit the budget of ${this.budgetBytes}`);
    await this.acquire(bytes);
    try {
      return await work();
    } finally {
      this.inUse -= bytes;
      this.wakeWaiters();
    }
  }

  private acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.inUse + bytes <= this.budgetBytes) {
      this.inUse += bytes;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) return this.refuse();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        grant: resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          this.refuse().catch(reject);
        }, this.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private wakeWaiters(): void {
    while (this.waiting.length > 0 && this.inUse + this.waiting[0].bytes <= this.budgetBytes) {
      const next = this.waiting.shift()!;
      clearTimeout(next.timer);
      this.inUse += next.bytes;
      next.grant();
    }
  }

  private refuse(): Promise<never> {
    this.refused.add(1);
    return Promise.reject(new PasswordHashBusyError(Math.max(1, Math.ceil(this.maxWaitMs / 1000))));
  }
}
