// social-graph speaks in account ids: the client remembers each handle it has seen with its id
// (this browser only), so that names show at once; ids not seen yet are looked up at identity
// (GET /v1/users?ids=…), and remembered too.
const STORAGE_KEY = 'onair.known-handles';
/** Enough for everyone a person meets; the oldest go first beyond it. */
const MAX_KNOWN = 500;

function load(): Record<string, string> {
  try {
    return (JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, string>) ?? {};
  } catch {
    return {};
  }
}

export function rememberHandle(accountId: string, handle: string): void {
  const known = load();
  if (known[accountId] === handle) return;
  delete known[accountId];
  known[accountId] = handle;
  const entries = Object.entries(known);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(entries.slice(-MAX_KNOWN))));
  } catch {
    // Storage full or off: names fall back to ids, nothing breaks.
  }
}

export function knownHandle(accountId: string): string | undefined {
  return load()[accountId];
}
