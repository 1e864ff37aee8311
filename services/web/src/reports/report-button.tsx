// "Report" on the watch page: a small form that opens in place (reason from ops' list, optional
// words), then says "Reported". The ids are what the end-to-end test clicks.
import { useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { fileReport, REPORT_REASONS, REPORT_TEXT_MAX, type ReportReason } from './reports.api';
import './reports.css';

export function ReportButton({ broadcastId }: { broadcastId: string }) {
  const [open, setOpen] = useState(false);
  const [reported, setReported] = useState(false);
  if (reported)
    return (
      <span id="report-done" class="report-done" role="status">
        Reported. Thank you: OnAir's operators will look at it.
      </span>
    );
  if (!open)
    return (
      <button id="report" type="button" aria-expanded={false} onClick={() => setOpen(true)}>
        Report
      </button>
    );
  return <ReportForm broadcastId={broadcastId} onDone={() => setReported(true)} onCancel={() => setOpen(false)} />;
}

function ReportForm({ broadcastId, onDone, onCancel }: { broadcastId: string; onDone: () => void; onCancel: () => void }) {
  const [reason, setReason] = useState<ReportReason | ''>('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const send = async (e: Event) => {
    e.preventDefault();
    if (!reason) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await fileReport({ targetType: 'broadcast', targetId: broadcastId, reason, text: text.trim() || undefined });
      onDone();
    } catch (err) {
      setFailure(describeError(err));
      setBusy(false);
    }
  };
  return (
    <form id="report-form" class="card report-form" onSubmit={send} aria-labelledby="report-heading">
      <h2 id="report-heading">Report this broadcast</h2>
      <label for="report-reason">Why?</label>
      <select id="report-reason" required value={reason} onChange={(e) => setReason(e.currentTarget.value as ReportReason)}>
        <option value="">Choose a reason</option>
        {REPORT_REASONS.map(([value, words]) => (
          <option key={value} value={value}>
            {words}
          </option>
        ))}
      </select>
      <label for="report-text">
        More about it <small>(optional)</small>
      </label>
      <textarea id="report-text" rows={3} maxLength={REPORT_TEXT_MAX} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <p class="actions">
        <button id="report-send" class="primary" type="submit" disabled={busy || !reason}>
          Send report
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
      {failure && (
        <p id="report-error" class="error" role="alert">
          {failure}
        </p>
      )}
    </form>
  );
}
