// ops' operator APIs (/v1/ops/*, role operator: 403 to anyone else), as the console uses them.
// Every action carries a reason: ops writes it into the audit log with the action.
import { apiAsSignedIn } from '../session/session';
import type { ReportTargetType } from '../reports/reports.api';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A reported thing in the queue (ops' TargetView); weight = distinct reporters + convicting jury votes. */
export interface QueueItem {
  targetType: ReportTargetType;
  targetId: string;
  message: { broadcastId: string | null; authorId: string | null; authorHandle: string | null; text: string | null } | null;
  distinctReporters: number;
  convictingVotes: number;
  weight: number;
  reasons: Record<string, number>;
  firstReportedAt: string | null;
  lastReportedAt: string | null;
  latestTexts: Array<{ text: string; reportedAt: string }>;
}

export interface FiledReport {
  id: string;
  reporterId: string | null;
  reason: string;
  text: string | null;
  source: 'viewer' | 'chat_jury';
  verdict: 'guilty' | 'acquitted' | null;
  guiltyVotes: number;
  status: 'open' | 'dismissed' | 'actioned';
  reportedAt: string;
}

export type TargetDetail = QueueItem & { reports: FiledReport[] };

export interface AuditEntry {
  id: string;
  /** null: the command line (tools/onair). */
  actorAccountId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  reason: string;
  at: string;
  details: Record<string, unknown>;
}

/** One SFU node a broadcast is on: its origin (depth 0) or a relay fed by `parentNodeId`. */
export interface RelayNode {
  nodeId: string;
  viewers: number;
  parentNodeId: string | null;
  depth: number;
}

export interface LiveBroadcast {
  broadcastId: string;
  ownerId: string;
  title: string;
  topics: string[];
  language: string;
  visibility: string;
  location: { latitude: number; longitude: number } | null;
  startedAt: string;
  viewersNow: number;
  viewersPeak: number;
  heartsTotal: number;
  openReports: number;
  distinctReporters: number;
  originNodeId: string;
  nodes: RelayNode[];
}

export type WatchedBroadcast = LiveBroadcast & { state: string; endReason: string | null };

export interface SfuNodeLoad {
  nodeId: string;
  state: 'active' | 'draining' | 'stale';
  consumers: number;
  consumerCapacity: number;
  cpuPercent: number;
  reportedAt: string;
  broadcasts: number;
  viewers: number;
}

export interface Suspension {
  reason?: string;
  /** Absent or null: for good. */
  until?: string | null;
  suspendedAt?: string;
}

const target = (type: string, id: string) => `/v1/ops/reports/targets/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
const paged = (cursor: string | null | undefined) => (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');

export const reportQueue = (cursor?: string | null) => apiAsSignedIn<Page<QueueItem>>('GET', `/v1/ops/reports?limit=50${paged(cursor)}`);

/** OPS.REPORT_TARGET_NOT_FOUND (404) when nobody ever reported it. */
export const reportTarget = (type: string, id: string) => apiAsSignedIn<TargetDetail>('GET', target(type, id));

export const dismissReports = (type: string, id: string, reason: string) => apiAsSignedIn<{ dismissed: number }>('POST', `${target(type, id)}/dismiss`, { reason });

export const takeDown = (broadcastId: string, reason: string) => apiAsSignedIn('POST', `/v1/ops/broadcasts/${encodeURIComponent(broadcastId)}/takedown`, { reason });

export const auditLog = (cursor?: string | null) => apiAsSignedIn<Page<AuditEntry>>('GET', `/v1/ops/audit?limit=50${paged(cursor)}`);

export const liveBroadcasts = (sort: 'viewers' | 'reports') => apiAsSignedIn<{ broadcasts: LiveBroadcast[] }>('GET', `/v1/ops/live?sort=${sort}&limit=50`).then((r) => r.broadcasts);

/** OPS.BROADCAST_NOT_FOUND (404) for an id stream-sessions never had. */
export const watchedBroadcast = (broadcastId: string) => apiAsSignedIn<WatchedBroadcast>('GET', `/v1/ops/live/${encodeURIComponent(broadcastId)}`);

export const sfuNodes = () => apiAsSignedIn<{ nodes: SfuNodeLoad[] }>('GET', '/v1/ops/sfu-nodes').then((r) => r.nodes);

const suspension = (accountId: string) => `/v1/ops/accounts/${encodeURIComponent(accountId)}/suspension`;

/** OPS.NOT_SUSPENDED (404) when the account is not suspended. */
export const suspensionOf = (accountId: string) => apiAsSignedIn<Suspension>('GET', suspension(accountId));

/** `until` absent: for good. */
export const suspend = (accountId: string, reason: string, until?: string) => apiAsSignedIn('POST', suspension(accountId), until ? { reason, until } : { reason });

export const liftSuspension = (accountId: string, reason: string) => apiAsSignedIn('POST', `${suspension(accountId)}/lift`, { reason });
