import type { Role } from '@onair/auth';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A role an account holds now (table `account_role`); past grants live in the role events. */
@Entity('account_role')
export class RoleGrant {
  @PrimaryColumn('uuid', { name: 'account_id' })
  accountId!: string;

  @PrimaryColumn('text')
  role!: Role;

  /** The admin who granted it; null when granted from the command line or their account is gone. */
  @Column('uuid', { name: 'granted_by', nullable: true })
  grantedBy!: string | null;

  @Column('timestamptz', { name: 'granted_at' })
  grantedAt!: Date;
}
