// The reports about one target (open, dismissed, actioned; newest first), and dismissing its
// open ones with a reason. Nobody having reported it is a state, not a failure.
import { useState } from 'preact/hooks';
import { reasonWords } from '../reports/reports.api';
import { dismissReports, reportTarget, type FiledReport, type TargetDetail } from './ops.api';
import { ReasonAction } from './reason-action';
import { targetPath } from './target-path';
import { useHandles, whoIs } from './use-handles';
import { Failure } from './failure';
import { usePolled } from './use-polled';

const REFRESH_MS = 5_000;

/** `changed` bumps when an action elsewhere on the page (a takedown) closed its reports. */
export function TargetReports({ targetType, targetId, changed = 0 }: { targetType: string; targetId: string; changed?: number }) {
  const [dismissed, setDismissed] = useState(0);
  const detail = usePolled(
    () => reportTarget(targetType, targetId).catch((err: { code?: string }) => (err.code === 'OPS.REPORT_TARGET_NOT_FOUND' ? null : Promise.reject(err))),
    [targetType, targetId, changed, dismissed],
    REFRESH_MS,
  );
  return (
    <section class="ops-reports" aria-labelledby="ops-reports-heading">
      <h2 id="ops-reports-heading">Reports</h2>
      <Failure id="ops-reports-error" failure={detail.failure} />
      {detail.value === undefined ? (
        !detail.failure && <p role="status">Loading reports…</p>
      ) : detail.value === null ? (
        <p id="ops-reports-none">Nobody has reported it.</p>
      ) : (
        <ReportList detail={detail.value} />
      )}
      {detail.value && detail.value.distinctReporters > 0 && (
        <ReasonAction
          id="dismiss"
          heading="Dismiss the open reports"
          label="Dismiss reports"
          act={async (reason) => {
            const { dismissed: n } = await dismissReports(targetType, targetId, reason);
            setDismissed((d) => d + 1);
            return `${n} ${n === 1 ? 'report' : 'reports'} dismissed.`;
          }}
        />
      )}
    </section>
  );
}

function ReportList({ detail }: { detail: TargetDetail }) {
  const handles = useHandles(detail.reports.map((r) => r.reporterId));
  return (
    <>
      <p id="ops-reports-summary" data-distinct-reporters={detail.distinctReporters} data-weight={detail.weight}>
        {detail.distinctReporters} open {detail.distinctReporters === 1 ? 'report' : 'reports'}
        {detail.convictingVotes > 0 && `, ${detail.convictingVotes} guilty jury votes`}.
      </p>
      {detail.message && <ReportedMessage message={detail.message} />}
      <ul id="ops-report-list" class="ops-report-list">
        {detail.reports.map((r) => (
          <ReportRow key={r.id} report={r} handles={handles} />
        ))}
      </ul>
    </>
  );
}

/** A chat message as the jury saw it, with the ways to its broadcast and its author. */
function ReportedMessage({ message }: { message: NonNullable<TargetDetail['message']> }) {
  return (
    <div class="card ops-message">
      {message.text && <q class="ops-quote">{message.text}</q>}
      <p class="hint">
        {message.authorId && <a href={targetPath('account', message.authorId)}>{message.authorHandle ? `@${message.authorHandle}` : 'Its author'}</a>}
        {message.broadcastId && (
          <>
            {' · '}
            <a href={targetPath('broadcast', message.broadcastId)}>its broadcast</a>
          </>
        )}
      </p>
    </div>
  );
}

function ReportRow({ report: r, handles }: { report: FiledReport; handles: Record<string, string> }) {
  const by = r.source === 'chat_jury' ? `a chat jury (${r.verdict ?? 'no verdict'}, ${r.guiltyVotes} guilty)` : r.reporterId ? whoIs(handles, r.reporterId) : 'someone';
  return (
    <li data-report-id={r.id} data-status={r.status}>
      <strong>{reasonWords(r.reason)}</strong> by {by} · {new Date(r.reportedAt).toLocaleString()} · <span class="ops-status">{r.status}</span>
      {r.text && <q class="ops-quote">{r.text}</q>}
    </li>
  );
}
