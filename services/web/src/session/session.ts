// Who is signed in, in this tab. Kept in sessionStorage: a reload keeps you signed in, and two
// tabs can be two people (go live in one, watch in the other). Access tokens live 10 minutes;
// a call made close to expiry refreshes first (the refresh token is single use and rotates).
import { signal } from '@preact/signals';
import { api, ApiError } from '../api/api-client';

export interface Session {
  accountId: string;
  handle: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms after which the access token is refused. */
  expiresAt: number;
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const STORAGE_KEY = 'onair.session';
/** Refresh this long before expiry, so a slow request still carries a valid token. */
const REFRESH_MARGIN_MS = 30_000;

export const session = signal<Session | undefined>(restore());
session.subscribe((s) => (s ? sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s)) : sessionStorage.removeItem(STORAGE_KEY)));

function restore(): Session | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return saved?.accessToken && saved.handle ? saved : undefined;
  } catch {
    return undefined;
  }
}

const expiry = (pair: TokenPair) => Date.now() + pair.expiresIn * 1000;

export async function signIn(login: string, password: string): Promise<Session> {
  const pair = await api<TokenPair>('POST', '/v1/sessions', { body: { login, password } });
  // The login may be an email: the profile names the handle.
  const me = await api<{ id: string; handle: string }>('GET', '/v1/users/me', { token: pair.accessToken });
  const signedIn = { accountId: me.id, handle: me.handle, accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: expiry(pair) };
  session.value = signedIn;
  return signedIn;
}

export async function signUp(account: { handle: string; email: string; password: string; displayName?: string }): Promise<Session> {
  await api('POST', '/v1/accounts', { body: account });
  return signIn(account.handle, account.password);
}

/** Signs out on the server too (other services refuse the token within seconds); locally at once. */
export async function signOut(): Promise<void> {
  const current = session.value;
  session.value = undefined;
  if (current) await api('DELETE', '/v1/sessions/current', { token: current.accessToken }).catch(() => undefined);
}

let refreshing: Promise<Session> | undefined;

/** One refresh at a time: a second caller waits for the first (the old refresh token is spent). */
function refresh(current: Session): Promise<Session> {
  refreshing ??= api<TokenPair>('POST', '/v1/sessions/refresh', { body: { refreshToken: current.refreshToken } })
    .then((pair) => (session.value = { ...current, accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresAt: expiry(pair) }))
    .catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 401) session.value = undefined;
      throw err;
    })
    .finally(() => (refreshing = undefined));
  return refreshing;
}

/** A valid access token of the signed-in person; refused with AUTH.TOKEN_MISSING when nobody is. */
export async function accessToken(): Promise<string> {
  const current = session.value;
  if (!current) throw new ApiError(401, 'AUTH.TOKEN_MISSING', 'sign in first');
  if (current.expiresAt - REFRESH_MARGIN_MS > Date.now()) return current.accessToken;
  return (await refresh(current)).accessToken;
}

/** An API call as the signed-in person; a token refused as expired or revoked signs this tab out. */
export async function apiAsSignedIn<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await api<T>(method, path, { body, token: await accessToken() });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && err.code.startsWith('AUTH.')) session.value = undefined;
    throw err;
  }
}
