// OpenAPI schemas of the live overview's answers (what live-overview.ts builds).

const NodeOfBroadcast = {
  type: 'object',
  required: ['nodeId', 'viewers', 'parentNodeId', 'depth'],
  properties: {
    nodeId: { type: 'string' },
    viewers: { type: 'integer', description: "the node's latest audience report of the broadcast" },
    parentNodeId: { type: 'string', nullable: true, description: 'the node it relays the broadcast from; null for the origin' },
    depth: { type: 'integer', minimum: 0, description: '0 for the origin (the publisher’s node)' },
  },
};

const broadcastProperties = {
  broadcastId: { type: 'string', format: 'uuid' },
  ownerId: { type: 'string', format: 'uuid' },
  title: { type: 'string' },
  topics: { type: 'array', items: { type: 'string' } },
  language: { type: 'string' },
  visibility: { type: 'string', enum: ['public', 'followers', 'circle'] },
  location: {
    type: 'object',
    nullable: true,
    description: 'rounded to the precision the broadcaster chose; null when not shared',
    properties: { latitude: { type: 'number' }, longitude: { type: 'number' } },
  },
  startedAt: { type: 'string', format: 'date-time', nullable: true, description: 'null only for a broadcast that never went live' },
  viewersNow: { type: 'integer' },
  viewersPeak: { type: 'integer' },
  heartsTotal: { type: 'integer' },
  openReports: { type: 'integer', description: 'open reports of the broadcast in the report queue' },
  distinctReporters: { type: 'integer' },
  originNodeId: { type: 'string', nullable: true, description: "the publisher's SFU node; null unless live" },
  nodes: { type: 'array', items: NodeOfBroadcast, description: 'the relay tree, origin first, then by depth; empty unless live' },
};

export const LiveBroadcastView = { type: 'object', required: Object.keys(broadcastProperties), properties: broadcastProperties };

export const BroadcastOverviewView = {
  type: 'object',
  required: [...Object.keys(broadcastProperties), 'state', 'endReason'],
  properties: {
    ...broadcastProperties,
    state: { type: 'string', enum: ['created', 'live', 'ended', 'replay_ready', 'expired'] },
    endReason: { type: 'string', nullable: true, enum: ['owner', 'publisher_gone', 'taken_down', null], description: 'null until it ended' },
  },
};

export const SfuNodeView = {
  type: 'object',
  required: ['nodeId', 'state', 'consumers', 'consumerCapacity', 'cpuPercent', 'reportedAt', 'broadcasts', 'viewers'],
  properties: {
    nodeId: { type: 'string' },
    state: {
      type: 'string',
      enum: ['active', 'draining', 'stale'],
      description: 'stale: no load report lately (placement sends it nobody); draining: shutting down, takes nobody new',
    },
    consumers: { type: 'integer' },
    consumerCapacity: { type: 'integer' },
    cpuPercent: { type: 'number' },
    reportedAt: { type: 'string', format: 'date-time', description: 'when the node sent its latest load report' },
    broadcasts: { type: 'integer', description: 'live broadcasts it carries, as the origin or relaying them' },
    viewers: { type: 'integer' },
  },
};
