import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** `::ffff:10.0.0.1` → `10.0.0.1`: a dual-stack socket reports IPv4 peers in this form. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/**
 * The proxies in front of the edge (load balancers, ingress controllers) whose
 * `X-Forwarded-For` the edge believes, as CIDR ranges (EDGE_TRUSTED_PROXIES). Empty by
 * default: then the socket's peer is the client, whatever the request claims.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly ranges: string[];

  constructor(ranges: string[]) {
    this.ranges = ranges;
    for (const range of ranges) {
      const [address, bits] = range.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      this.list.addSubnet(address, Number(bits ?? (family === 'ipv6' ? 128 : 32)), family);
    }
  }

  trusts(address: string): boolean {
    const ip = plain(address);
    const family = isIP(ip);
    return family !== 0 && this.ranges.length > 0 && this.list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then the
 * right-most `X-Forwarded-For` entry that is not a trusted proxy (each proxy appends the
 * address it saw, so entries left of the first untrusted one are the client's own claims and
 * worth nothing). A malformed entry there ends the walk at the nearest trusted hop.
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies): string | undefined {
  const peer = req.socket.remoteAddress && plain(req.socket.remoteAddress);
  if (!peer || !trusted.trusts(peer)) return peer;
  const hops = (req.headersDistinct['x-forwarded-for'] ?? [])
    .join(',')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plain(hops[i]);
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.trusts(hop)) return hop;
  }
  return client;
}
