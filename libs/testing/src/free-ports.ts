// Ports a test or bench gives a process it starts. No value imports beyond Node's own: the
// benches (tools/bench, run by Node's type stripping) import this file as it is.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

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
    const checks = await Promise.all(Array.from({ length: n }, (_, i) => isFreeForTcpAndUdp(base + i)));
    if (checks.every(Boolean)) return base;
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
