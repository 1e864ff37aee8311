import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('account')
export class Account {
  @PrimaryColumn('uuid')
  id!: string;

  /** Stored lower-case: handles are unique regardless of case. */
  @Column('text')
  handle!: string;

  /** Stored lower-case. */
  @Column('text')
  email!: string;

  @Column('text', { name: 'display_name' })
  displayName!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
