import { Column, Entity, PrimaryColumn } from 'typeorm';

export const STAFF_ROLES = ['operator', 'admin'] as const;
export type StaffRoleName = (typeof STAFF_ROLES)[number];

/**
 * ops' copy of which account holds which staff role, fed only by identity's role events. A
 * revoked role keeps its row (held = false): its `changed_at` is what lets an older event,
 * delivered late, be recognised and ignored.
 */
@Entity('staff_role')
export class StaffRole {
  @PrimaryColumn('uuid', { name: 'account_id' })
  accountId!: string;

  @PrimaryColumn('text')
  role!: StaffRoleName;

  @Column('boolean')
  held!: boolean;

  /** When identity granted or revoked it (the event's own time, not when ops applied it). */
  @Column('timestamptz', { name: 'changed_at' })
  changedAt!: Date;

  /** The event that set this state (for a backfilled row, its audit entry's id, which is the same). */
  @Column('uuid', { name: 'event_id' })
  eventId!: string;
}
