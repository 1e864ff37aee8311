// The client's routes. Go live and watch load lazily: they bring mediasoup-client, which the
// home and sign-in pages do not need. The edge serves index.html for any path outside /v1/ and
// its own (/docs, /healthz…), so an unknown path gets the "not found" page here.
import type { ComponentType } from 'preact';
import { HomePage } from '../home/home.page';
import { SignInPage } from '../session/signin.page';
import { SignUpPage } from '../session/signup.page';

export type PageProps = { params: Record<string, string> };
export type Page = ComponentType<PageProps>;

export type PageLoader = () => Promise<{ default: Page }>;

/** A route has its page itself (small pages, in the first chunk) or loads it (its own chunk). */
export type Route = {
  pattern: RegExp;
  /** Names of the pattern's capture groups, in order. */
  params?: string[];
  title: string;
} & ({ page: Page } | { load: PageLoader });

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const ROUTES: Route[] = [
  { pattern: /^\/$/, title: 'Live now', page: HomePage },
  { pattern: /^\/signin$/, title: 'Sign in', page: SignInPage },
  { pattern: /^\/signup$/, title: 'Sign up', page: SignUpPage },
  { pattern: /^\/broadcast$/, title: 'Go live', load: () => import('../go-live/go-live.page') },
  { pattern: new RegExp(`^/watch/(${UUID})$`), params: ['broadcastId'], title: 'Watch', load: () => import('../watch/watch.page') },
  // The map brings d3-geo and the world's outline: its own chunk, never the first load's.
  { pattern: /^\/map$/, title: 'World map', load: () => import('../map/map.page') },
  { pattern: /^\/following$/, title: 'Following', load: () => import('../following/following.page') },
  { pattern: /^\/notifications$/, title: 'Notifications', load: () => import('../notifications/notifications.page') },
  { pattern: /^\/me$/, title: 'Your profile', load: () => import('../profile/me.page') },
  // identity's handles: 3–15 of A–Z, 0–9, _ (any case; identity lowercases).
  { pattern: /^\/u\/([A-Za-z0-9_]{3,15})$/, params: ['handle'], title: 'Profile', load: () => import('../profile/user.page') },
  { pattern: /^\/circles$/, title: 'Circles', load: () => import('../circles/circles.page') },
  // Replays bring hls.js: in their own chunk, never the watch route's.
  { pattern: /^\/replays$/, title: 'Replays', load: () => import('../replays/replays.page') },
  { pattern: new RegExp(`^/replays/(${UUID})$`), params: ['broadcastId'], title: 'Replay', load: () => import('../replays/replay.page') },
  // The operators' console: each page checks the role before it shows (or calls) anything.
  { pattern: /^\/ops$/, title: 'Operators', load: () => import('../ops/ops-overview.page') },
  { pattern: /^\/ops\/reports$/, title: 'Report queue', load: () => import('../ops/report-queue.page') },
  { pattern: new RegExp(`^/ops/broadcasts/(${UUID})$`), params: ['broadcastId'], title: 'Broadcast · Operators', load: () => import('../ops/broadcast-detail.page') },
  { pattern: new RegExp(`^/ops/targets/(account|message)/(${UUID})$`), params: ['targetType', 'targetId'], title: 'Reported · Operators', load: () => import('../ops/report-target.page') },
  { pattern: /^\/ops\/audit$/, title: 'Audit log', load: () => import('../ops/audit-log.page') },
];

export function matchRoute(path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: Object.fromEntries((route.params ?? []).map((name, i) => [name, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}
