import type { DataSource } from 'typeorm';
import type { Target, TargetType } from './report-target.entity.js';

/** How many of a target's latest report texts a queue item shows. */
const LATEST_TEXTS = 3;
/** How many reports a target's detail lists, newest first. */
export const DETAIL_REPORTS = 200;

export interface QueuePosition {
  weight: number;
  last: string;
  type: TargetType;
  id: string;
}

interface TargetRow {
  target_type: TargetType;
  target_id: string;
  broadcast_id: string | null;
  author_id: string | null;
  author_handle: string | null;
  message_text: string | null;
  open_reports: number;
  convicting_votes: number;
  weight: number;
  first_reported_at: Date | null;
  last_reported_at: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function targetView(row: TargetRow, reasons: Record<string, number>, latestTexts: Array<{ text: string; reportedAt: string }>) {
  return {
    targetType: row.target_type,
    targetId: row.target_id,
    message: row.target_type === 'message' ? { broadcastId: row.broadcast_id, authorId: row.author_id, authorHandle: row.author_handle, text: row.message_text } : null,
    distinctReporters: row.open_reports,
    convictingVotes: row.convicting_votes,
    weight: row.weight,
    reasons,
    firstReportedAt: iso(row.first_reported_at),
    lastReportedAt: iso(row.last_reported_at),
    latestTexts,
  };
}

export type QueueItem = ReturnType<typeof targetView>;

/** Reasons and the latest texts of the open reports of `rows`, in two queries for the whole page. */
async function summaries(ds: DataSource, rows: TargetRow[]) {
  const types = rows.map((r) => r.target_type);
  const ids = rows.map((r) => r.target_id);
  const reasons: Array<{ target_type: string; target_id: string; reason: string; n: number }> = await ds.query(
    `SELECT r.target_type, r.target_id, r.reason, count(*)::int AS n FROM report r
       JOIN unnest($1::text[], $2::uuid[]) AS t(type, id) ON r.target_type = t.type AND r.target_id = t.id
      WHERE r.status = 'open' GROUP BY 1, 2, 3 ORDER BY 3`,
    [types, ids],
  );
  const texts: Array<{ target_type: string; target_id: string; text: string; reported_at: Date }> = await ds.query(
    `SELECT t.type AS target_type, t.id AS target_id, x.text, x.reported_at FROM unnest($1::text[], $2::uuid[]) AS t(type, id)
       CROSS JOIN LATERAL (SELECT text, reported_at FROM report r WHERE r.target_type = t.type AND r.target_id = t.id AND r.status = 'open' AND r.text IS NOT NULL
                           ORDER BY reported_at DESC, id DESC LIMIT ${LATEST_TEXTS}) x
      ORDER BY x.reported_at DESC`,
    [types, ids],
  );
  const key = (type: string, id: string) => `${type}/${id}`;
  return rows.map((row) => {
    const k = key(row.target_type, row.target_id);
    return targetView(
      row,
      Object.fromEntries(reasons.filter((r) => key(r.target_type, r.target_id) === k).map((r) => [r.reason, r.n])),
      texts.filter((t) => key(t.target_type, t.target_id) === k).map((t) => ({ text: t.text, reportedAt: t.reported_at.toISOString() })),
    );
  });
}

/**
 * Targets with open reports, one item each, heaviest first (most distinct reporters, plus
 * convicting jurors), then the most recently reported; a page after `after`.
 */
export async function readQueue(ds: DataSource, limit: number, after?: QueuePosition): Promise<{ items: QueueItem[]; next?: QueuePosition }> {
  const rows: TargetRow[] = await ds.query(
    `SELECT * FROM report_target WHERE open_reports > 0
        AND ($1::int IS NULL OR (weight, last_reported_at, target_type, target_id) < ($1, $2::timestamptz, $3::text, $4::uuid))
      ORDER BY weight DESC, last_reported_at DESC, target_type DESC, target_id DESC LIMIT $5`,
    [after?.weight ?? null, after?.last ?? null, after?.type ?? null, after?.id ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.length ? await summaries(ds, page) : [],
    next: rows.length > limit ? { weight: last.weight, last: (last.last_reported_at ?? new Date(0)).toISOString(), type: last.target_type, id: last.target_id } : undefined,
  };
}

/** A target's summary (over its open reports) and its reports, open and dismissed, newest first; undefined when never reported. */
export async function readTarget(ds: DataSource, t: Target) {
  const [row]: TargetRow[] = await ds.query('SELECT * FROM report_target WHERE target_type = $1 AND target_id = $2', [t.targetType, t.targetId]);
  if (!row) return undefined;
  const [summary] = await summaries(ds, [row]);
  const reports: Array<Record<string, unknown>> = await ds.query(
    `SELECT id, reporter_id, reason, text, source, jury_id, verdict, guilty_votes, status, opened_at, reported_at, dismissed_at, actioned_at
       FROM report WHERE target_type = $1 AND target_id = $2 ORDER BY reported_at DESC, id DESC LIMIT ${DETAIL_REPORTS}`,
    [t.targetType, t.targetId],
  );
  return {
    ...summary,
    reports: reports.map((r) => ({
      id: r.id,
      reporterId: r.reporter_id,
      reason: r.reason,
      text: r.text,
      source: r.source,
      juryId: r.jury_id,
      verdict: r.verdict,
      guiltyVotes: r.guilty_votes,
      status: r.status,
      openedAt: iso(r.opened_at as Date),
      reportedAt: iso(r.reported_at as Date),
      dismissedAt: iso(r.dismissed_at as Date | null),
      actionedAt: iso(r.actioned_at as Date | null),
    })),
  };
}
