import { startTelemetry } from '@onair/telemetry';
import { randomUUID } from 'node:crypto';
import { sfuSuite, SignalClient } from '../sfu-worker.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('media tickets on the signalling socket', () => {
  const suite = sfuSuite('sfu_tickets');
  const { ctx } = suite;

  /** Connects and expects the refusal: one error frame with the code, then the socket closed. */
  async function refused(url: string) {
    const client = await SignalClient.connect(ctx, url);
    const closed = await client.closed;
    expect(client.frames).toHaveLength(1);
    return { error: client.frames[0].error, closed };
  }

  it('admits a valid ticket for this node', async () => {
    const broadcastId = randomUUID();
    const client = await SignalClient.join(ctx, suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId }), `&broadcastId=${broadcastId}`));
    expect((await client.notification('joined')).data).toMatchObject({ broadcastId, role: 'viewer' });
  });

  it('refuses a ticket for another broadcast than the one asked for', async () => {
    const ticket = await suite.issuer.sign({ broadcastId: randomUUID(), nodeId: suite.sfu.nodeId });
    const { error, closed } = await refused(suite.sfu.signallingUrl(ticket, `&broadcastId=${randomUUID()}`));
    expect(error?.code).toBe('MEDIA.TICKET_WRONG_BROADCAST');
    expect(closed).toEqual({ code: 4403, reason: 'MEDIA.TICKET_WRONG_BROADCAST' });
  });

  it('refuses an expired ticket', async () => {
    const ticket = await suite.issuer.sign({ broadcastId: randomUUID(), nodeId: suite.sfu.nodeId }, 1);
    await new Promise((r) => setTimeout(r, 2100));
    const { error, closed } = await refused(suite.sfu.signallingUrl(ticket));
    expect(error?.code).toBe('MEDIA.TICKET_EXPIRED');
    expect(closed).toEqual({ code: 4401, reason: 'MEDIA.TICKET_EXPIRED' });
  });

  it('refuses a ticket for another node', async () => {
    const { error, closed } = await refused(suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId: randomUUID(), nodeId: 'node-elsewhere' })));
    expect(error).toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE', message: expect.stringContaining('node-elsewhere') });
    expect(closed).toEqual({ code: 4403, reason: 'MEDIA.TICKET_WRONG_NODE' });
  });

  it.each([
    ['a missing ticket', async () => ''],
    ['garbage', async () => 'not.a.jwt'],
    ['a ticket signed by a key stream-sessions does not publish', async () =>
      suite.issuer.forge({ accountId: randomUUID(), broadcastId: randomUUID(), role: 'publish', nodeId: suite.sfu.nodeId })],
  ])('refuses %s as invalid', async (_what, ticket) => {
    const { error, closed } = await refused(suite.sfu.signallingUrl(await ticket()));
    expect(error?.code).toBe('MEDIA.TICKET_INVALID');
    expect(closed.code).toBe(4401);
  });

  it('refuses a viewer ticket that tries to produce, without closing the socket', async () => {
    const broadcastId = randomUUID();
    const viewer = await SignalClient.join(ctx, suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId, nodeId: suite.sfu.nodeId, role: 'consume' })));
    const answer = await viewer.request('produce', {
      transportId: randomUUID(),
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }] },
    });
    expect(answer.error?.code).toBe('SFU.FORBIDDEN_ROLE');
    expect(viewer.ws.readyState).toBe(viewer.ws.OPEN);
  });

  it('answers 404 for other paths on the upgrade', async () => {
    await expect(SignalClient.connect(ctx, `ws://127.0.0.1:${suite.sfu.port}/v1/sfu/elsewhere`)).rejects.toThrow(/404/);
  });
});
