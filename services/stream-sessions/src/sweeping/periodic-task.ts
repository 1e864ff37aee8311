import type { Logger } from '@nestjs/common';

/**
 * Runs `tick` every `intervalMs`, never two at once, until stopped; a failed tick is logged
 * and the next one tries again. What is due lives in PostgreSQL (a deadline column), not in
 * this timer, so a restart or a second replica loses nothing: ticks select due rows with
 * FOR UPDATE SKIP LOCKED.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly tick: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((err) => this.log.warn(`${this.name} failed: ${err?.message ?? err}`))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
