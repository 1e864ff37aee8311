import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { NodeLoadReportedEvent, type NodeLoadReported } from '@onair/contracts';
import { NonRetriableEventError, OnEvent, type KafkaEventContext } from '@onair/kafka';
import type { NodeId } from '../broadcasts/broadcast-record.js';
import { RelayTree } from '../relay-tree/relay-tree.js';
import { SfuNodes } from './sfu-nodes.js';

@Controller()
export class NodeLoadConsumer {
  constructor(
    private readonly nodes: SfuNodes,
    private readonly tree: RelayTree,
  ) {}

  @OnEvent(NodeLoadReportedEvent)
  async onNodeLoad(@Payload() e: NodeLoadReported, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (!e.nodeId || !/^(wss?|https?):\/\//.test(e.signallingUrl)) {
      throw new NonRetriableEventError('STREAM_SESSIONS.MALFORMED_EVENT', 'node load without node id or signalling URL');
    }
    // Empty from nodes that predate relaying: viewers are then never placed elsewhere to relay from them.
    if (e.relayUrl && !/^wss?:\/\//.test(e.relayUrl)) {
      throw new NonRetriableEventError('STREAM_SESSIONS.MALFORMED_EVENT', `node load with a relay URL that is not ws(s): ${e.relayUrl}`);
    }
    const cpu = e.workers.length ? e.workers.reduce((sum, w) => sum + w.cpuPercent, 0) / e.workers.length : 0;
    const newest = await this.nodes.record(ctx.manager, {
      nodeId: e.nodeId as NodeId,
      signallingUrl: e.signallingUrl,
      relayUrl: e.relayUrl,
      consumers: e.workers.reduce((sum, w) => sum + w.consumers, 0),
      consumerCapacity: e.consumerCapacity,
      cpuPercent: cpu,
      draining: e.draining,
      reportedAt: e.at ? timestampDate(e.at) : new Date(),
    });
    // An older report arriving late would put back a tree that has changed since.
    if (newest) await this.tree.reconcile(ctx.manager, e.nodeId, e.relays.map((r) => ({ broadcastId: r.broadcastId, parentNodeId: r.parentNodeId })));
  }
}
