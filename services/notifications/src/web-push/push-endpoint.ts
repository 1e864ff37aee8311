/**
 * Whether a subscription's endpoint may be called: https, no credentials, a host of the
 * allowlist (`host`, `host:port`, or `*.domain` for its subdomains). The server POSTs to what a
 * client registered, so anything else (an internal address, a plain-http URL) is refused.
 */
export function pushEndpointAllowed(endpoint: string, hosts: string[]): { ok: true } | { ok: false; host: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, host: '' };
  }
  const host = url.host.toLowerCase();
  if (url.protocol !== 'https:' || url.username || url.password || url.hash) return { ok: false, host };
  const allowed = hosts.some((h) => (h.startsWith('*.') ? url.hostname.toLowerCase().endsWith(h.slice(1)) && !url.port : h === host));
  return allowed ? { ok: true } : { ok: false, host };
}
