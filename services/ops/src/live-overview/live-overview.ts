import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StreamSessionsClient, type WireBroadcast, type WireSfuNode, type WireTimestamp } from './stream-sessions.client.js';

export type LiveSort = 'viewers' | 'reports';

/** How many reported broadcasts (the most recently reported) are checked for being live when sorting by reports. */
const REPORTED_CANDIDATES = 1000;

interface ReportCounts {
  openReports: number;
  distinctReporters: number;
}

const iso = (t: WireTimestamp | null) => (t ? new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)).toISOString() : null);
/** An enum value as proto-loader names it, without its prefix: BROADCAST_END_REASON_TAKEN_DOWN → taken_down. */
const enumName = (value: string, prefix: string) => (value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : null);

function broadcastView(b: WireBroadcast, reports: ReportCounts | undefined) {
  const { info } = b;
  const audience = info.visibility?.audience;
  return {
    broadcastId: info.broadcastId,
    ownerId: info.ownerId,
    title: info.title,
    topics: info.topics,
    language: info.language,
    visibility: audience === 'circleId' ? 'circle' : (audience ?? 'public'),
    location: info.location ? { latitude: info.location.latitude, longitude: info.location.longitude } : null,
    startedAt: iso(b.startedAt),
    viewersNow: b.viewersNow,
    viewersPeak: b.viewersPeak,
    heartsTotal: Number(b.heartsTotal),
    openReports: reports?.openReports ?? 0,
    distinctReporters: reports?.distinctReporters ?? 0,
    originNodeId: b.originNodeId || null,
    nodes: b.nodes.map((n) => ({ nodeId: n.nodeId, viewers: n.viewers, parentNodeId: n.parentNodeId || null, depth: n.depth })),
  };
}

export type LiveBroadcastView = ReturnType<typeof broadcastView>;

function nodeView(n: WireSfuNode) {
  return {
    nodeId: n.nodeId,
    // A silent node is stale whatever its last report said: it may be gone.
    state: n.stale ? 'stale' : n.draining ? 'draining' : 'active',
    consumers: n.consumers,
    consumerCapacity: n.consumerCapacity,
    cpuPercent: n.cpuPercent,
    reportedAt: iso(n.reportedAt),
    broadcasts: n.broadcasts,
    viewers: n.viewers,
  };
}

/**
 * Operators' live overview: what stream-sessions says is live (its gRPC API), joined with the
 * open reports ops holds. Nothing is cached: operators look at it when something is happening.
 */
@Injectable()
export class LiveOverview implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(StreamSessionsClient) private readonly streamSessions: StreamSessionsClient,
  ) {}

  onApplicationShutdown() {
    this.streamSessions.close();
  }

  /**
   * The live broadcasts, `limit` at most. By reports: those with open reports first (most
   * distinct reporters, then most viewers), then the rest by viewers. Only the 1000 most
   * recently reported broadcasts are candidates for the first part; a live one reported longer
   * ago than those still shows its counts, among the rest.
   */
  async live(sort: LiveSort, limit: number): Promise<LiveBroadcastView[]> {
    let reported: WireBroadcast[] = [];
    if (sort === 'reports') {
      const candidates = await this.reportedBroadcasts();
      reported = candidates.length ? await this.streamSessions.liveBroadcasts(candidates.length, candidates) : [];
    }
    const first = new Set(reported.map((b) => b.info.broadcastId));
    // Enough of the most watched to fill the page whichever of them were listed already.
    const mostWatched = reported.length >= limit ? [] : await this.streamSessions.liveBroadcasts(Math.min(limit + first.size, 1000));
    const rest = mostWatched.filter((b) => !first.has(b.info.broadcastId));
    const counts = await this.reportCounts([...reported, ...rest].map((b) => b.info.broadcastId));
    const reporters = (b: WireBroadcast) => counts.get(b.info.broadcastId)?.distinctReporters ?? 0;
    reported.sort((a, b) => reporters(b) - reporters(a) || b.viewersNow - a.viewersNow);
    return [...reported, ...rest].slice(0, limit).map((b) => broadcastView(b, counts.get(b.info.broadcastId)));
  }

  /** One broadcast in any state, with its state and why it ended. */
  async broadcast(broadcastId: string) {
    const b = await this.streamSessions.broadcast(broadcastId);
    const counts = await this.reportCounts([broadcastId]);
    const endReason = enumName(b.endReason, 'BROADCAST_END_REASON_');
    return {
      ...broadcastView(b, counts.get(broadcastId)),
      state: enumName(b.state, 'BROADCAST_OVERVIEW_STATE_'),
      endReason: endReason === 'unspecified' ? null : endReason,
    };
  }

  async sfuNodes() {
    return (await this.streamSessions.sfuNodes()).map(nodeView);
  }

  private async reportedBroadcasts(): Promise<string[]> {
    const rows: Array<{ target_id: string }> = await this.dataSource.query(
      `SELECT target_id FROM report_target WHERE target_type = 'broadcast' AND open_reports > 0 ORDER BY last_reported_at DESC LIMIT ${REPORTED_CANDIDATES}`,
    );
    return rows.map((r) => r.target_id);
  }

  private async reportCounts(broadcastIds: string[]): Promise<Map<string, ReportCounts>> {
    if (!broadcastIds.length) return new Map();
    const rows: Array<{ id: string; open: number; reporters: number }> = await this.dataSource.query(
      `SELECT target_id AS id, count(*)::int AS open, count(DISTINCT reporter_id)::int AS reporters
         FROM report WHERE target_type = 'broadcast' AND target_id = ANY($1::uuid[]) AND status = 'open'
        GROUP BY target_id`,
      [broadcastIds],
    );
    return new Map(rows.map((r) => [r.id, { openReports: r.open, distinctReporters: r.reporters }]));
  }
}
