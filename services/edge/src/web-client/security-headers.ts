import type { IncomingMessage } from 'node:http';

/** A Host header worth echoing into a policy: a DNS name or IP literal and a port, nothing else. */
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The host browsers reach this edge by: the public URL's when configured, else the request's own
 * Host header when it looks like one (it ends up in the policy, so nothing else is let through).
 */
function publicHost(req: IncomingMessage, publicUrl: URL | undefined): string | undefined {
  if (publicUrl) return publicUrl.host;
  const host = req.headers.host;
  return host && HOST.test(host) ? host : undefined;
}

/** What the policy allows beyond this origin (config: EDGE_PUBLIC_URL, EDGE_CSP_CONNECT_SRC). */
export interface PolicyConfig {
  publicUrl?: URL;
  cspConnectSources: string[];
}

/**
 * The page may load only what this origin serves: its scripts and styles (no inline ones),
 * fetches and WebSockets (signalling, chat) to this host and the SFU nodes configured, camera
 * streams and replays as blob: media; it may not be framed, nor change its base URL, nor embed
 * plugins.
 */
export function contentSecurityPolicy(req: IncomingMessage, config: PolicyConfig): string {
  const host = publicHost(req, config.publicUrl);
  const sockets = host ? [`ws://${host}`, `wss://${host}`] : [];
  return [
    "default-src 'self'",
    ["connect-src 'self'", ...sockets, ...config.cspConnectSources].join(' '),
    "media-src 'self' blob:",
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers of the client's HTML page. */
export function pageSecurityHeaders(req: IncomingMessage, config: PolicyConfig): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(req, config),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    // Going live needs the camera and microphone, "near me" the location; nothing else, and no frame.
    'permissions-policy': 'camera=(self), microphone=(self), geolocation=(self)',
  };
}
