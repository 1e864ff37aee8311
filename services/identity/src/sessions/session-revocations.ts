import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Inject, Injectable } from '@nestjs/common';
import { SessionsRevokedEvent, SessionsRevokedReason, SessionsRevokedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import type { EntityManager } from 'typeorm';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';

const IDS_PER_EVENT = 1000;

export { SessionsRevokedReason };

/**
 * Ends sessions and says so: the rows are marked revoked and `sessions.revoked.v1` is written
 * to the outbox in the caller's transaction, so every service refuses the sessions' access
 * tokens within seconds instead of at their expiry.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    private readonly outbox: Outbox,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** Revokes the account's sessions among `sessionIds` (every live one when undefined); returns the ids revoked now. */
  async revoke(manager: EntityManager, accountId: string, reason: SessionsRevokedReason, sessionIds?: string[]): Promise<string[]> {
    const [rows]: [Array<{ id: string }>] = await manager.query(
      `UPDATE session SET revoked_at = now()
        WHERE account_id = $1 AND revoked_at IS NULL ${sessionIds ? 'AND id = ANY($2::uuid[])' : ''}
        RETURNING id`,
      sessionIds ? [accountId, sessionIds] : [accountId],
    );
    await this.announce(manager, accountId, rows.map((r) => r.id), reason);
    return rows.map((r) => r.id);
  }

  /** Publishes the revocation of sessions already gone from the table (account deletion). */
  async announce(manager: EntityManager, accountId: string, sessionIds: string[], reason: SessionsRevokedReason): Promise<void> {
    for (let i = 0; i < sessionIds.length; i += IDS_PER_EVENT) {
      await this.outbox.add(
        manager,
        SessionsRevokedEvent,
        create(SessionsRevokedSchema, {
          accountId,
          sessionIds: sessionIds.slice(i, i + IDS_PER_EVENT),
          reason,
          revokedAt: timestampNow(),
          tokenTtlSeconds: this.config.auth.accessTokenTtlSeconds,
        }),
      );
    }
  }
}
