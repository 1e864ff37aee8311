import { Column, Entity, PrimaryColumn } from 'typeorm';

export const TARGET_TYPES = ['broadcast', 'account', 'message'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export interface Target {
  targetType: TargetType;
  targetId: string;
}
/** What viewers report through the API; messages come from chat's juries. */
export const VIEWER_TARGET_TYPES = ['broadcast', 'account'] as const;

/**
 * A reported thing and its place in the queue, derived from its open reports in the transaction
 * that changes them: `weight` = distinct reporters with an open report + the guilty votes of
 * guilty jury verdicts on them (jurors who convicted are more viewers who found it abusive).
 */
@Entity('report_target')
export class ReportTarget {
  @PrimaryColumn('text', { name: 'target_type' })
  targetType!: TargetType;

  @PrimaryColumn('uuid', { name: 'target_id' })
  targetId!: string;

  /** A message's room, author and words, as chat's jury saw them. */
  @Column('uuid', { name: 'broadcast_id', nullable: true })
  broadcastId!: string | null;

  @Column('uuid', { name: 'author_id', nullable: true })
  authorId!: string | null;

  @Column('text', { name: 'author_handle', nullable: true })
  authorHandle!: string | null;

  @Column('text', { name: 'message_text', nullable: true })
  messageText!: string | null;

  /** Open reports, one per reporter: the distinct reporters. */
  @Column('integer', { name: 'open_reports' })
  openReports!: number;

  @Column('integer', { name: 'convicting_votes' })
  convictingVotes!: number;

  @Column('integer')
  weight!: number;

  @Column('timestamptz', { name: 'first_reported_at', nullable: true })
  firstReportedAt!: Date | null;

  @Column('timestamptz', { name: 'last_reported_at', nullable: true })
  lastReportedAt!: Date | null;
}
