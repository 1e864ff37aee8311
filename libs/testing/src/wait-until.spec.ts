import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { waitUntil } from './event-collector.js';

/** Blocks the event loop as a GC pause or a starved core does. */
const stall = (ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end; );
};

describe('waitUntil', () => {
  it('reads the sockets before it gives up after a stall: a close sent in time is not a timeout', async () => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
      let closed = false;
      client.once('close', () => (closed = true));
      await once(client, 'connect');
      const waiting = waitUntil(() => closed, 50, 'the close');
      // Past the deadline before the loop has read anything: the accept, the end and the close
      // are all still queued when the wait's timer fires.
      stall(300);
      await expect(waiting).resolves.toBeUndefined();
      expect(closed).toBe(true);
    } finally {
      server.close();
    }
  });

  it('still times out when the predicate never holds', async () => {
    const started = Date.now();
    await expect(waitUntil(() => false, 200, 'nothing')).rejects.toThrow('timed out after 200 ms waiting for nothing');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
