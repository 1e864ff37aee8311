import { EDGE_OWN_PATHS, type Route } from '../config.js';

/** Express matches routes case-insensitively, so the edge's own paths are compared that way too. */
export function isEdgeOwnPath(path: string): boolean {
  const p = path.toLowerCase();
  return EDGE_OWN_PATHS.some((own) => p === own || p.startsWith(`${own}/`));
}

/**
 * Which upstream owns a path: the route with the longest prefix that matches whole segments
 * (`/v1/accounts` owns `/v1/accounts` and `/v1/accounts/…`, not `/v1/accountsx`). The edge's
 * own paths are never routed, even under a catch-all `/`.
 */
export class RouteTable {
  private readonly longestFirst: Route[];

  constructor(routes: Route[]) {
    this.longestFirst = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  match(path: string): Route | undefined {
    if (isEdgeOwnPath(path)) return undefined;
    return this.longestFirst.find((r) => r.prefix === '/' || path === r.prefix || path.startsWith(`${r.prefix}/`));
  }
}
