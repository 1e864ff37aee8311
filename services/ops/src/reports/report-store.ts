import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log.js';
import type { ViewerReason } from './report.entity.js';
import type { Target, TargetType } from './report-target.entity.js';
import { NoOpenReportsError, ReportTargetNotFoundError, TooManyOpenReportsError } from './report.errors.js';

// Every write to a target's reports locks its report_target row first and recomputes the row
// last, in one transaction: the queue's counts never drift from the reports. Filing also takes
// the reporter's lock (always before the target's), so the cap holds under concurrent reports.

export interface MessageContext {
  broadcastId: string;
  authorId: string;
  authorHandle: string;
  messageText: string;
}

/** Creates the target's row if new, then locks it for the rest of the transaction. */
async function lockTarget(m: EntityManager, t: Target, context?: MessageContext): Promise<void> {
  await m.query(
    `INSERT INTO report_target (target_type, target_id, broadcast_id, author_id, author_handle, message_text)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [t.targetType, t.targetId, context?.broadcastId ?? null, context?.authorId ?? null, context?.authorHandle ?? null, context?.messageText ?? null],
  );
  await m.query('SELECT 1 FROM report_target WHERE target_type = $1 AND target_id = $2 FOR UPDATE', [t.targetType, t.targetId]);
}

/** The target's queue position from its open reports (see ReportTarget). */
async function recompute(m: EntityManager, t: Target): Promise<void> {
  await m.query(
    `UPDATE report_target rt SET open_reports = s.n, convicting_votes = s.votes, weight = s.n + s.votes, first_reported_at = s.first, last_reported_at = s.last
       FROM (SELECT count(*)::int AS n, coalesce(sum(guilty_votes) FILTER (WHERE verdict = 'guilty'), 0)::int AS votes,
                    min(opened_at) AS first, max(reported_at) AS last
               FROM report WHERE target_type = $1 AND target_id = $2 AND status = 'open') s
      WHERE rt.target_type = $1 AND rt.target_id = $2`,
    [t.targetType, t.targetId],
  );
}

export interface ViewerReport extends Target {
  reporterId: string;
  reason: ViewerReason;
  text?: string;
}

/**
 * Files a viewer's report, or updates their earlier one of the same target: the latest reason
 * stands, the latest text too (an omitted text keeps the earlier one), and a dismissed report
 * opens again. `created` is false for an earlier report (the caller answers 200, not 201).
 * `status` is actioned when operators already took the broadcast down.
 */
export async function fileViewerReport(m: EntityManager, r: ViewerReport, openLimit: number): Promise<{ id: string; created: boolean; status: 'open' | 'actioned' }> {
  await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 19))', [r.reporterId]);
  await lockTarget(m, r);
  const [existing]: Array<{ id: string; status: string }> = await m.query(
    'SELECT id, status FROM report WHERE reporter_id = $1 AND target_type = $2 AND target_id = $3',
    [r.reporterId, r.targetType, r.targetId],
  );
  // A broadcast taken down is over for good: a late report of it is kept, already actioned,
  // rather than putting a target no operator can act on again back into the queue.
  const [takenDown] = r.targetType === 'broadcast' ? await m.query('SELECT 1 FROM broadcast_takedown WHERE broadcast_id = $1', [r.targetId]) : [];
  const status = takenDown ? 'actioned' : 'open';
  if (status === 'open' && existing?.status !== 'open') {
    const [{ n }]: Array<{ n: number }> = await m.query(`SELECT count(*)::int AS n FROM report WHERE reporter_id = $1 AND status = 'open'`, [r.reporterId]);
    if (n >= openLimit) throw new TooManyOpenReportsError(openLimit);
  }
  const [row]: Array<{ id: string; created: boolean }> = await m.query(
    `INSERT INTO report (id, reporter_id, target_type, target_id, reason, text, source, status, actioned_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'viewer', $7, CASE WHEN $7 = 'actioned' THEN now() END)
     ON CONFLICT (reporter_id, target_type, target_id) DO UPDATE SET
       reason = EXCLUDED.reason, text = coalesce(EXCLUDED.text, report.text), reported_at = date_trunc('milliseconds', now()),
       opened_at = CASE WHEN report.status = 'open' THEN report.opened_at ELSE date_trunc('milliseconds', now()) END,
       status = EXCLUDED.status, dismissed_at = NULL, actioned_at = EXCLUDED.actioned_at
     RETURNING id, (xmax = 0) AS created`,
    [randomUUID(), r.reporterId, r.targetType, r.targetId, r.reason, r.text ?? null, status],
  );
  await recompute(m, r);
  return { id: row.id, created: row.created, status };
}

/** A message chat put before a flash jury: its reporter's report, with the message's context. */
export async function fileJuryReport(m: EntityManager, juryId: string, reporterId: string | null, messageId: string, context: MessageContext): Promise<void> {
  const target: Target = { targetType: 'message', targetId: messageId };
  await lockTarget(m, target, context);
  await m.query(
    `INSERT INTO report (id, reporter_id, target_type, target_id, reason, source, jury_id) VALUES ($1, $2, 'message', $3, 'chat_jury', 'chat_jury', $4)
     ON CONFLICT (reporter_id, target_type, target_id) DO UPDATE SET
       jury_id = EXCLUDED.jury_id, verdict = NULL, guilty_votes = 0, reported_at = date_trunc('milliseconds', now()),
       opened_at = CASE WHEN report.status = 'open' THEN report.opened_at ELSE date_trunc('milliseconds', now()) END,
       status = 'open', dismissed_at = NULL, actioned_at = NULL`,
    [randomUUID(), reporterId, messageId, juryId],
  );
  await recompute(m, target);
}

/** A jury's verdict on its report: a guilty one adds its guilty votes to the target's weight. False for an unknown jury. */
export async function recordVerdict(m: EntityManager, juryId: string, guilty: boolean, guiltyVotes: number): Promise<boolean> {
  const [report]: Array<{ target_type: TargetType; target_id: string }> = await m.query('SELECT target_type, target_id FROM report WHERE jury_id = $1', [juryId]);
  if (!report) return false;
  const target: Target = { targetType: report.target_type, targetId: report.target_id };
  await lockTarget(m, target);
  await m.query('UPDATE report SET verdict = $2, guilty_votes = $3 WHERE jury_id = $1', [juryId, guilty ? 'guilty' : 'acquitted', guilty ? guiltyVotes : 0]);
  await recompute(m, target);
  return true;
}

/**
 * Dismisses every open report of the target and writes the audit entry, in the caller's
 * transaction. A report filed after this opens the target again.
 */
export async function dismissTarget(m: EntityManager, t: Target, actorId: string, reason: string): Promise<{ dismissed: number; auditEntryId: string }> {
  const [known] = await m.query('SELECT 1 FROM report_target WHERE target_type = $1 AND target_id = $2 FOR UPDATE', [t.targetType, t.targetId]);
  if (!known) throw new ReportTargetNotFoundError();
  const reasons: Array<{ reason: string; n: number }> = await m.query(
    `WITH dismissed AS (
       UPDATE report SET status = 'dismissed', dismissed_at = now() WHERE target_type = $1 AND target_id = $2 AND status = 'open' RETURNING reason)
     SELECT reason, count(*)::int AS n FROM dismissed GROUP BY reason ORDER BY reason`,
    [t.targetType, t.targetId],
  );
  const dismissed = reasons.reduce((sum, r) => sum + r.n, 0);
  if (dismissed === 0) throw new NoOpenReportsError();
  await recompute(m, t);
  const { id } = await appendAudit(m, {
    actorAccountId: actorId,
    action: 'reports_dismissed',
    targetType: t.targetType,
    targetId: t.targetId,
    reason,
    at: new Date(),
    details: { reports: dismissed, reasons: Object.fromEntries(reasons.map((r) => [r.reason, r.n])) },
  });
  return { dismissed, auditEntryId: id };
}

/**
 * Closes every open report of the target as actioned (an operator acted on it: a takedown), in
 * the caller's transaction: out of the queue, kept in the target's detail. The number closed.
 */
export async function actionReports(m: EntityManager, t: Target): Promise<number> {
  const [known] = await m.query('SELECT 1 FROM report_target WHERE target_type = $1 AND target_id = $2 FOR UPDATE', [t.targetType, t.targetId]);
  if (!known) return 0;
  // Counted in SQL: TypeORM answers an UPDATE … RETURNING with [rows, count], not the rows.
  const [{ n }]: Array<{ n: number }> = await m.query(
    `WITH actioned AS (
       UPDATE report SET status = 'actioned', actioned_at = now() WHERE target_type = $1 AND target_id = $2 AND status = 'open' RETURNING 1)
     SELECT count(*)::int AS n FROM actioned`,
    [t.targetType, t.targetId],
  );
  await recompute(m, t);
  return n;
}
