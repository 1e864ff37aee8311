import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { BroadcastEndedEvent, BroadcastEndedSchema } from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { startTelemetry } from '@onair/telemetry';
import { TestContext, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { publishTestPattern, SignalClient, startSfuWorker, startTicketIssuer, type RunningSfu, type TicketIssuer } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('broadcast.ended.v1 closes the room', () => {
  const ctx = TestContext.create('sfu_ended');
  let issuer: TicketIssuer;
  let sfu: RunningSfu;

  beforeAll(async () => {
    issuer = await startTicketIssuer(ctx);
    sfu = await startSfuWorker(ctx, issuer);
  });
  afterAll(() => ctx.cleanup());

  async function publishEnded(broadcastId: string, eventId = randomUUID()) {
    const producer = createIdempotentProducer(ctx.kafka());
    await producer.connect();
    const event = create(BroadcastEndedSchema, { broadcastId, ownerId: randomUUID(), endedAt: timestampNow() });
    const record = encodeEvent(BroadcastEndedEvent, event, { id: eventId, source: 'stream-sessions-test', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + BroadcastEndedEvent.topic, messages: [record] });
    await producer.disconnect();
  }

  it('tells every participant, closes their sockets and the Router, and refuses the broadcast from then on', async () => {
    const broadcastId = randomUUID();
    const other = randomUUID();
    const publisher = await sfu.join(broadcastId, 'publish');
    await publishTestPattern(ctx, sfu, publisher, broadcastId, { media: false });
    const viewer = await sfu.join(broadcastId, 'consume');
    const bystander = await sfu.join(other, 'consume');
    const router = sfu.runtime.rooms.get(broadcastId as never)!.router;

    const eventId = randomUUID();
    await publishEnded(broadcastId, eventId);
    for (const client of [publisher, viewer]) {
      expect((await client.notification('broadcastEnded')).data).toEqual({ broadcastId });
      expect(await client.closed).toEqual({ code: 1000, reason: 'SFU.BROADCAST_ENDED' });
    }
    expect(router.closed).toBe(true);
    expect(sfu.runtime.rooms.get(broadcastId as never)).toBeUndefined();

    // Redelivered: nothing left to close, nothing breaks. Another room is untouched.
    await publishEnded(broadcastId, eventId);
    await new Promise((r) => setTimeout(r, 1000));
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    expect(sfu.runtime.rooms.get(other as never)).toBeDefined();

    const late = await SignalClient.connect(ctx, sfu.signallingUrl(await issuer.sign({ broadcastId, role: 'consume', nodeId: sfu.nodeId })));
    expect(await late.closed).toEqual({ code: 4410, reason: 'SFU.BROADCAST_ENDED' });
    expect(late.frames[0].error?.code).toBe('SFU.BROADCAST_ENDED');
  });

  it('ignores an end for a broadcast this node does not host', async () => {
    await publishEnded(randomUUID());
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${sfu.port}/readyz`)).ok, 5000, 'ready');
  });
});
