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

  @Column('text', { name: 'password_hash', select: true })
  passwordHash!: string;

  @Column('text')
  bio!: string;

  /** MIME type of the uploaded avatar, null when there is none. */
  @Column('text', { name: 'avatar_type', nullable: true })
  avatarType!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
