import type { IncomingMessage } from 'node:http';
import { clientAddress, TrustedProxies } from './client-address.js';

const request = (peer: string, ...forwardedFor: string[]) =>
  ({ socket: { remoteAddress: peer }, headersDistinct: forwardedFor.length ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  const none = new TrustedProxies([]);
  const lb = new TrustedProxies(['10.0.0.0/8', '2001:db8::/32']);

  it('is the socket peer when no proxy is trusted, whatever the request claims', () => {
    expect(clientAddress(request('198.51.100.4', '203.0.113.9'), none)).toBe('198.51.100.4');
    expect(clientAddress(request('::ffff:198.51.100.4'), none)).toBe('198.51.100.4');
  });

  it('is the socket peer when that peer is not a trusted proxy', () => {
    expect(clientAddress(request('198.51.100.4', '203.0.113.9'), lb)).toBe('198.51.100.4');
  });

  it('takes the right-most untrusted X-Forwarded-For entry behind trusted proxies', () => {
    // The client claims 1.2.3.4; the load balancer appended the address it really saw.
    expect(clientAddress(request('10.0.0.5', '1.2.3.4, 203.0.113.9'), lb)).toBe('203.0.113.9');
    // Two trusted hops (an ingress behind a load balancer), across two header lines.
    expect(clientAddress(request('10.0.0.5', '1.2.3.4', '203.0.113.9, 10.1.2.3'), lb)).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:10.0.0.5', '2001:db8::7, 2001:0db9::1'), lb)).toBe('2001:0db9::1');
  });

  it('stops at the nearest trusted hop when an entry is not an address, or when every entry is trusted', () => {
    expect(clientAddress(request('10.0.0.5', '203.0.113.9, not-an-ip'), lb)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', 'x, 10.9.9.9'), lb)).toBe('10.9.9.9');
    expect(clientAddress(request('10.0.0.5', '10.9.9.9'), lb)).toBe('10.9.9.9');
    expect(clientAddress(request('10.0.0.5'), lb)).toBe('10.0.0.5');
  });
});
