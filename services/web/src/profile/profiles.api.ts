// identity's profiles (/v1/users) and social-graph's follows and blocks (/v1/graph), as the
// profile pages use them.
import { api, ApiError, NETWORK_UNREACHABLE } from '../api/api-client';
import { accessToken, apiAsSignedIn } from '../session/session';
import { rememberHandle } from './known-handles';

export interface Profile {
  id: string;
  handle: string;
  displayName: string;
  bio: string;
  /** Same-origin path of the image, or null when there is none. */
  avatarUrl: string | null;
  createdAt: string;
}

export interface FollowCounts {
  followers: number;
  following: number;
}

const remembered = (profile: Profile) => (rememberHandle(profile.id, profile.handle), profile);

export const myProfile = () => apiAsSignedIn<Profile>('GET', '/v1/users/me').then(remembered);

export const updateMyProfile = (changes: { displayName?: string; bio?: string }) =>
  apiAsSignedIn<Profile>('PATCH', '/v1/users/me', changes).then(remembered);

/** Anyone's public profile; IDENTITY.USER_NOT_FOUND when no account has the handle. */
export const profileOf = (handle: string) => api<Profile>('GET', `/v1/users/${encodeURIComponent(handle)}`).then(remembered);

/** Profiles by account id (identity answers at most 100 per call; unknown ids are left out). */
export async function profilesByIds(ids: string[]): Promise<Profile[]> {
  const found: Profile[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const page = await apiAsSignedIn<{ items: Profile[] }>('GET', `/v1/users?ids=${ids.slice(i, i + 100).join(',')}`);
    found.push(...page.items.map(remembered));
  }
  return found;
}

/**
 * The avatar as raw bytes (identity takes no multipart), Content-Type the file's own. Not
 * api(): that one sends JSON.
 */
export async function uploadAvatar(file: File): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/v1/users/me/avatar', {
      method: 'PUT',
      headers: { accept: 'application/json', 'content-type': file.type, authorization: `Bearer ${await accessToken()}` },
      body: file,
    });
  } catch (err) {
    throw new ApiError(0, NETWORK_UNREACHABLE, (err as Error).message);
  }
  if (res.ok) return;
  const json = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  throw new ApiError(res.status, json?.error?.code ?? `HTTP.${res.status}`, json?.error?.message ?? res.statusText, json?.error?.details);
}

export const followCounts = (accountId: string) => apiAsSignedIn<FollowCounts>('GET', `/v1/graph/accounts/${accountId}/counts`);

export const isFollowing = (followerId: string, followeeId: string) =>
  apiAsSignedIn<{ following: boolean }>('GET', `/v1/graph/follows/${followerId}/${followeeId}`).then((r) => r.following);

export const follow = (accountId: string) => apiAsSignedIn('POST', `/v1/graph/follows/${accountId}`);
export const unfollow = (accountId: string) => apiAsSignedIn('DELETE', `/v1/graph/follows/${accountId}`);
export const block = (accountId: string) => apiAsSignedIn('PUT', `/v1/graph/blocks/${accountId}`);
export const unblock = (accountId: string) => apiAsSignedIn('DELETE', `/v1/graph/blocks/${accountId}`);

/** Pages of the block list looked through before giving up: a list this long is rare. */
const BLOCK_PAGES = 10;

/**
 * Whether the signed-in person blocked `accountId`. social-graph answers only with the whole
 * list (newest first, paged), so this pages through it.
 */
export async function haveBlocked(accountId: string): Promise<boolean> {
  let cursor: string | null = null;
  for (let i = 0; i < BLOCK_PAGES; i++) {
    const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const page: { items: Array<{ accountId: string }>; nextCursor: string | null } = await apiAsSignedIn('GET', `/v1/graph/blocks${query}`);
    if (page.items.some((b) => b.accountId === accountId)) return true;
    cursor = page.nextCursor;
    if (!cursor) return false;
  }
  return false;
}
