// /ops/audit: what operators (and the command line) did, newest first, with their reasons.
// Read only: no route of any service changes it. Older entries come a page at a time.
import { useEffect, useState } from 'preact/hooks';
import { describeError, errorCode } from '../api/error-words';
import type { PageProps } from '../router/routes';
import { OpsConsole } from './ops-console';
import { auditLog, type AuditEntry } from './ops.api';
import { targetPath } from './target-path';
import { useHandles, whoIs } from './use-handles';
import { Failure } from './failure';

export default function AuditLogPage(_props: PageProps) {
  return (
    <OpsConsole heading="Audit log">
      <AuditLog />
    </OpsConsole>
  );
}

function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ words: string; code?: string }>();
  const load = async (after: string | null) => {
    setBusy(true);
    try {
      const page = await auditLog(after);
      setEntries((shown) => [...(after ? (shown ?? []) : []), ...page.items]);
      setCursor(page.nextCursor);
      setFailure(undefined);
    } catch (err) {
      setFailure({ words: describeError(err), code: errorCode(err) });
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(null), []);
  const handles = useHandles((entries ?? []).flatMap((e) => [e.actorAccountId, e.targetType === 'account' ? e.targetId : null]));
  return (
    <>
      <p class="actions">
        <button id="ops-audit-refresh" type="button" disabled={busy} onClick={() => load(null)}>
          Newest
        </button>
      </p>
      <Failure id="ops-audit-error" failure={failure} />
      {entries === undefined ? (
        !failure && <p role="status">Loading the audit log…</p>
      ) : entries.length === 0 ? (
        <p class="card">Nothing has been done yet.</p>
      ) : (
        <div class="table-scroll">
          <table id="ops-audit" class="ops-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Did</th>
                <th scope="col">To</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-audit-id={e.id} data-action={e.action} data-target-type={e.targetType} data-target-id={e.targetId} data-actor-id={e.actorAccountId ?? ''}>
                  <td>{new Date(e.at).toLocaleString()}</td>
                  <td>{whoIs(handles, e.actorAccountId)}</td>
                  <td>{e.action.replaceAll('_', ' ')}</td>
                  <td>
                    <a href={targetPath(e.targetType, e.targetId)}>{e.targetType === 'account' ? whoIs(handles, e.targetId) : `${e.targetType} ${e.targetId.slice(0, 8)}`}</a>
                  </td>
                  <td class="ops-reason">{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <p class="actions">
          <button id="ops-audit-older" type="button" disabled={busy} onClick={() => load(cursor)}>
            Older entries
          </button>
        </p>
      )}
    </>
  );
}
