// Ports a test or bench gives a process it starts. No value imports beyond Node's own: the
// benches (tools/bench, run by Node's type stripping) import this file as it is.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * Ports this module has handed out, never handed out again. A free port stays free until the
 * process it is given to binds it, seconds later; a platform's dozen services drew theirs at
 * once, and two draws of the same random port failed a CI run (EADDRINUSE).
 */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  return freePorts(1);
}

/**
 * A base port whose next `n` ports are free for both TCP and UDP (a WebRtcServer binds both).
 * Drawn below the kernel's ephemeral range (32768 and up here): outgoing connections, of which
 * the suites open thousands, never take such a port between this check and the service's bind.
 */
export async function freePorts(n: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * (12_000 - n));
    const range = Array.from({ length: n }, (_, i) => base + i);
    if (range.some((port) => handedOut.has(port))) continue;
    // Reserved before the (asynchronous) check: a concurrent call cannot pick the same ports.
    for (const port of range) handedOut.add(port);
    const checks = await Promise.all(range.map(isFreeForTcpAndUdp));
    if (checks.every(Boolean)) return base;
    for (const port of range) handedOut.delete(port);
  }
}

function isFreeForTcpAndUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const tcp = createServer();
    tcp.once('error', () => resolve(false));
    tcp.listen(port, '0.0.0.0', () => {
      const udp = createSocket('udp4');
      udp.once('error', () => tcp.close(() => resolve(false)));
      udp.bind(port, '0.0.0.0', () => udp.close(() => tcp.close(() => resolve(true))));
    });
  });
}
