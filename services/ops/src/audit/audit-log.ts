import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, type AuditAction, type AuditTargetType } from './audit-entry.entity.js';

export interface NewAuditEntry {
  /** Given for an entry fed by an event (its id); new otherwise. */
  id?: string;
  actorAccountId: string | null;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  reason: string;
  at: Date;
  details?: Record<string, unknown>;
}

/**
 * Appends an entry inside `manager`'s transaction, so it commits with the action it records (or
 * with the consumed event's processed mark). An id already written is left as it is: true when
 * this call wrote it.
 */
export async function appendAudit(manager: EntityManager, entry: NewAuditEntry): Promise<{ id: string; written: boolean }> {
  const id = entry.id ?? randomUUID();
  // Milliseconds, as the page cursors carry them.
  const at = new Date(Math.floor(entry.at.getTime()));
  const written: unknown[] = await manager.query(
    `INSERT INTO audit_entry (id, actor_account_id, action, target_type, target_id, reason, at, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING 1`,
    [id, entry.actorAccountId, entry.action, entry.targetType, entry.targetId, entry.reason, at, JSON.stringify(entry.details ?? {})],
  );
  return { id, written: written.length > 0 };
}

export interface AuditQuery {
  limit: number;
  cursor?: { at: Date; id: string };
  actorId?: string;
  targetId?: string;
  action?: AuditAction;
}

export interface AuditView {
  id: string;
  actorAccountId: string | null;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  reason: string;
  at: string;
  details: Record<string, unknown>;
}

/** A page of entries, newest first (by when it happened, then id), from after `cursor`. */
export async function readAudit(dataSource: DataSource, q: AuditQuery): Promise<{ items: AuditView[]; next?: { at: Date; id: string } }> {
  const rows = await dataSource
    .getRepository(AuditEntry)
    .createQueryBuilder('e')
    .where(q.cursor ? '(e.at, e.id) < (:at, :id)' : 'TRUE', q.cursor ?? {})
    .andWhere(q.actorId ? 'e.actor_account_id = :actorId' : 'TRUE', { actorId: q.actorId })
    .andWhere(q.targetId ? 'e.target_id = :targetId' : 'TRUE', { targetId: q.targetId })
    .andWhere(q.action ? 'e.action = :action' : 'TRUE', { action: q.action })
    .orderBy('e.at', 'DESC')
    .addOrderBy('e.id', 'DESC')
    .limit(q.limit + 1)
    .getMany();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((e) => ({ ...e, at: e.at.toISOString() })),
    next: rows.length > q.limit ? { at: last.at, id: last.id } : undefined,
  };
}
