// Handles for the account ids ops speaks in: those this browser knows at once, the rest from
// identity (GET /v1/users?ids=…). An id identity does not know (deleted) keeps showing as an id.
import { useEffect, useState } from 'preact/hooks';
import { knownHandle } from '../profile/known-handles';
import { profilesByIds } from '../profile/profiles.api';

export function useHandles(ids: Array<string | null | undefined>): Record<string, string> {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  const [handles, setHandles] = useState<Record<string, string>>(() => Object.fromEntries(wanted.flatMap((id) => [[id, knownHandle(id)]]).filter(([, handle]) => handle)));
  const missing = wanted.filter((id) => !handles[id]);
  useEffect(() => {
    if (missing.length === 0) return;
    // A handle is a nicety here: the console works with ids when identity does not answer.
    profilesByIds(missing).then((found) => setHandles((h) => ({ ...h, ...Object.fromEntries(found.map((p) => [p.id, p.handle])) })), () => undefined);
  }, [missing.sort().join(',')]);
  return handles;
}

/** `@handle` when known, else the id's first characters (enough to tell accounts apart on screen). */
export const whoIs = (handles: Record<string, string>, id: string | null) => (id === null ? 'the command line' : handles[id] ? `@${handles[id]}` : `${id.slice(0, 8)}…`);
