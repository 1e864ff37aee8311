import { Logger } from '@nestjs/common';
import { SessionsRevokedEvent, type SessionsRevoked } from '@onair/contracts';
import { InstanceEventReader, type KafkaOptions } from '@onair/kafka';

/** The longest access-token lifetime identity allows (ACCESS_TOKEN_TTL_SECONDS ≤ 3600). */
const MAX_TOKEN_TTL_MS = 3600_000;

export interface RevocationOptions {
  /** The service's Kafka (with its topic prefix). */
  kafka: KafkaOptions;
  /** The service's name, part of the reader's group id. */
  service: string;
}

/**
 * Session ids identity has revoked (sign-out, sign-out everywhere, a reused refresh token, a
 * deleted account), learnt from `sessions.revoked.v1`, each kept while a token of it could
 * still be unexpired. Every instance reads every revocation (its own Kafka group), starting
 * with those of the last hour, so a new instance refuses the same tokens as the old ones.
 */
export class RevokedSessions {
  private readonly log = new Logger('RevokedSessions');
  /** session id → when its last token expires at the latest (ms since the epoch). */
  private readonly until = new Map<string, number>();
  private readonly reader: InstanceEventReader;
  private sweeper?: NodeJS.Timeout;

  constructor(options: RevocationOptions) {
    this.reader = new InstanceEventReader({
      kafka: options.kafka,
      groupId: `${options.service}.session-revocations`,
      ephemeral: true,
      events: [SessionsRevokedEvent],
      from: { since: new Date(Date.now() - MAX_TOKEN_TTL_MS) },
      handle: ({ message }) => this.add(message as SessionsRevoked),
    });
  }

  async start(): Promise<void> {
    await this.reader.start();
    this.sweeper = setInterval(() => this.sweep(), 60_000).unref();
    this.log.log(`following session revocations (${this.until.size} in force)`);
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.reader.stop();
  }

  isRevoked(sessionId: string): boolean {
    const until = this.until.get(sessionId);
    return until !== undefined && until > Date.now();
  }

  get size(): number {
    return this.until.size;
  }

  private add(event: SessionsRevoked): void {
    const revokedAt = event.revokedAt ? Number(event.revokedAt.seconds) * 1000 : Date.now();
    const ttlMs = Math.min(Math.max(event.tokenTtlSeconds, 0) * 1000 || MAX_TOKEN_TTL_MS, MAX_TOKEN_TTL_MS);
    // A token issued just before the revocation lives its full lifetime from then; a minute of
    // slack covers clocks that disagree.
    const until = revokedAt + ttlMs + 60_000;
    if (until <= Date.now()) return;
    for (const id of event.sessionIds) this.until.set(id, Math.max(until, this.until.get(id) ?? 0));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
  }
}
