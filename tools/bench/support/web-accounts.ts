// Accounts the Chromium benches sign in with, created through the edge like anyone's.
import { randomBytes } from 'node:crypto';

export interface Person {
  handle: string;
  password: string;
}

/** A new account; `role` shows in its handle (blive…, bview…), which says what it was for in the logs. */
export async function newAccount(edge: string, role: string): Promise<Person> {
  const handle = `b${role}${randomBytes(4).toString('hex')}`;
  const password = `bench-${randomBytes(12).toString('hex')}`;
  const res = await fetch(`${edge}/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, email: `${handle}@bench.onair.test`, password }),
  });
  if (!res.ok) throw new Error(`creating ${handle}: ${res.status} ${await res.text()}`);
  return { handle, password };
}

/** An access token of `person` (10 minutes), for calls the bench makes itself. */
export async function accessTokenOf(edge: string, person: Person): Promise<string> {
  const res = await fetch(`${edge}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: person.handle, password: person.password }),
  });
  if (!res.ok) throw new Error(`signing ${person.handle} in: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}
