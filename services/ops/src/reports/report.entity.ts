import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What viewers may say a broadcast or an account is (POST /v1/reports). */
export const VIEWER_REASONS = ['spam', 'harassment', 'hate', 'violence', 'nudity', 'self_harm', 'illegal', 'other'] as const;
export type ViewerReason = (typeof VIEWER_REASONS)[number];
/** Chat's reports name no reason: the message went before a flash jury. */
export const REPORT_REASONS = [...VIEWER_REASONS, 'chat_jury'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/**
 * One reporter's report of one target (one row per reporter and target: reporting again updates
 * it, and reopens it after a dismissal). A chat message's report comes from chat's flash jury.
 */
@Entity('report')
export class Report {
  @PrimaryColumn('uuid')
  id!: string;

  /** Null only for a jury whose event named no reporter (chat before it did). */
  @Column('uuid', { name: 'reporter_id', nullable: true })
  reporterId!: string | null;

  @Column('text', { name: 'target_type' })
  targetType!: string;

  @Column('uuid', { name: 'target_id' })
  targetId!: string;

  @Column('text')
  reason!: ReportReason;

  @Column('text', { nullable: true })
  text!: string | null;

  @Column('text')
  source!: 'viewer' | 'chat_jury';

  @Column('uuid', { name: 'jury_id', nullable: true })
  juryId!: string | null;

  @Column('text', { nullable: true })
  verdict!: 'guilty' | 'acquitted' | null;

  @Column('integer', { name: 'guilty_votes' })
  guiltyVotes!: number;

  @Column('text')
  /** actioned: an operator acted on the target (took the broadcast down). */
  status!: 'open' | 'dismissed' | 'actioned';

  /** When it was filed, or last reopened after a dismissal. */
  @Column('timestamptz', { name: 'opened_at' })
  openedAt!: Date;

  /** When its reporter last reported the target. */
  @Column('timestamptz', { name: 'reported_at' })
  reportedAt!: Date;

  @Column('timestamptz', { name: 'dismissed_at', nullable: true })
  dismissedAt!: Date | null;

  @Column('timestamptz', { name: 'actioned_at', nullable: true })
  actionedAt!: Date | null;
}
