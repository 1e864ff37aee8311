import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { BroadcastEndedEvent, BroadcastEndedSchema, BroadcastEndReason } from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { startTelemetry } from '@onair/telemetry';
import { waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { publishTestPattern, sfuSuite, SignalClient } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('broadcast.ended.v1 closes the room', () => {
  const suite = sfuSuite('sfu_ended');
  const { ctx } = suite;

  async function publishEnded(broadcastId: string, eventId = randomUUID(), reason = BroadcastEndReason.OWNER) {
    const producer = createIdempotentProducer(ctx.kafka());
    await producer.connect();
    const event = create(BroadcastEndedSchema, { broadcastId, ownerId: randomUUID(), reason, endedAt: timestampNow() });
    const record = encodeEvent(BroadcastEndedEvent, event, { id: eventId, source: 'stream-sessions-test', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + BroadcastEndedEvent.topic, messages: [record] });
    await producer.disconnect();
  }

  it('tells every participant, closes their sockets and the Router, and refuses the broadcast from then on', async () => {
    const broadcastId = randomUUID();
    const other = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    await publishTestPattern(ctx, suite.sfu, publisher, broadcastId, { media: false });
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    const bystander = await suite.sfu.join(other, 'consume');
    const router = suite.sfu.runtime.rooms.get(broadcastId as never)!.router;

    const eventId = randomUUID();
    await publishEnded(broadcastId, eventId);
    for (const client of [publisher, viewer]) {
      expect((await client.notification('broadcastEnded')).data).toEqual({ broadcastId, reason: 'owner' });
      expect(await client.closed).toEqual({ code: 1000, reason: 'SFU.BROADCAST_ENDED' });
    }
    expect(router.closed).toBe(true);
    expect(suite.sfu.runtime.rooms.get(broadcastId as never)).toBeUndefined();

    // Redelivered: nothing left to close, nothing breaks. Another room is untouched.
    await publishEnded(broadcastId, eventId);
    await new Promise((r) => setTimeout(r, 1000));
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    expect(suite.sfu.runtime.rooms.get(other as never)).toBeDefined();

    const late = await SignalClient.connect(ctx, suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId, role: 'consume', nodeId: suite.sfu.nodeId })));
    expect(await late.closed).toEqual({ code: 4410, reason: 'SFU.BROADCAST_ENDED' });
    expect(late.frames[0].error?.code).toBe('SFU.BROADCAST_ENDED');
  });

  it("tells the participants a takedown's reason (taken_down), so their pages can say so", async () => {
    const broadcastId = randomUUID();
    const publisher = await suite.sfu.join(broadcastId, 'publish');
    const viewer = await suite.sfu.join(broadcastId, 'consume');
    await publishEnded(broadcastId, randomUUID(), BroadcastEndReason.TAKEN_DOWN);
    for (const client of [publisher, viewer]) {
      expect((await client.notification('broadcastEnded')).data).toEqual({ broadcastId, reason: 'taken_down' });
      expect(await client.closed).toEqual({ code: 1000, reason: 'SFU.BROADCAST_ENDED' });
    }
  });

  it('ignores an end for a broadcast this node does not host', async () => {
    const hosted = randomUUID();
    const viewer = await suite.sfu.join(hosted, 'consume');
    const room = suite.sfu.runtime.rooms.get(hosted as never)!;
    await publishEnded(randomUUID());
    // The node's consumer group has read (and committed) everything on the topic, this end too.
    const admin = ctx.kafka().admin();
    await admin.connect();
    try {
      const topic = ctx.topicPrefix + BroadcastEndedEvent.topic;
      const consumedAll = async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        const [{ partitions }] = await admin.fetchOffsets({ groupId: suite.sfu.runtime.broadcastEnded.groupId, topics: [topic] });
        // A partition that never held a record has nothing to commit.
        return ends.every((end) => end.high === end.low || partitions.find((p) => p.partition === end.partition)?.offset === end.high);
      };
      await waitUntil(consumedAll, 15_000, 'the node to consume the end');
    } finally {
      await admin.disconnect();
    }
    expect(room.closed).toBe(false);
    expect(suite.sfu.runtime.rooms.get(hosted as never)).toBe(room);
    expect(viewer.ws.readyState).toBe(viewer.ws.OPEN);
  });
});
