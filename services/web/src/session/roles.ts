// The roles the signed-in person's access token carries (claim `roles`, as identity issues it).
// Read from the token only to decide what to show: every operator API checks the role itself
// and answers 403 without it, whatever the page believes.
import { session, type Session } from './session';

export type Role = 'operator' | 'admin';

/** The token's payload is base64url JSON; a token that is not one has no roles. */
function claims(accessToken: string): { roles?: unknown } {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    return JSON.parse(atob(base64)) as { roles?: unknown };
  } catch {
    return {};
  }
}

export function rolesOf(signedIn: Session | undefined): Role[] {
  const roles = signedIn ? claims(signedIn.accessToken).roles : undefined;
  return Array.isArray(roles) ? roles.filter((r): r is Role => r === 'operator' || r === 'admin') : [];
}

/** As libs/auth's hasRole: an admin is also an operator. Reads the session signal (re-renders on change). */
export function isOperator(): boolean {
  const roles = rolesOf(session.value);
  return roles.includes('operator') || roles.includes('admin');
}
