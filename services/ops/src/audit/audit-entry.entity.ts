import { Column, Entity, PrimaryColumn } from 'typeorm';

export const AUDIT_ACTIONS = ['role_granted', 'role_revoked', 'reports_dismissed', 'broadcast_taken_down', 'account_suspended', 'account_suspension_lifted'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const AUDIT_TARGET_TYPES = ['account', 'broadcast', 'message'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/**
 * One thing an operator did (or an admin, or the command line): who, what, to what, why, when.
 * Append-only: nothing updates or deletes a row (a trigger refuses it).
 */
@Entity('audit_entry')
export class AuditEntry {
  /** The event's id for entries fed by an event (the dedup key), a new one for ops' own actions. */
  @PrimaryColumn('uuid')
  id!: string;

  /** Null when the command line acted (tools/onair), which the database access vouches for. */
  @Column('uuid', { name: 'actor_account_id', nullable: true })
  actorAccountId!: string | null;

  @Column('text')
  action!: AuditAction;

  @Column('text', { name: 'target_type' })
  targetType!: AuditTargetType;

  @Column('uuid', { name: 'target_id' })
  targetId!: string;

  @Column('text')
  reason!: string;

  @Column('timestamptz')
  at!: Date;

  @Column('jsonb')
  details!: Record<string, unknown>;
}
