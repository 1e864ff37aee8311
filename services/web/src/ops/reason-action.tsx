// An operator's action: a reason (required, it goes into the audit log), maybe a choice more,
// and a button that stays disabled until a reason is typed. Hard-to-undo actions ask once more.
// Ids: `<id>-reason`, `<id>` (the button), `<id>-confirm`, `<id>-status` (what came of it).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { describeError, errorCode } from '../api/error-words';
import { ConfirmButton } from '../app/confirm-button';

/** ops' limit on a reason (userText max 500). */
const REASON_MAX = 500;

export function ReasonAction(props: {
  id: string;
  heading: string;
  label: string;
  /** Asked before acting, for what cannot be undone. */
  question?: string;
  /** Runs the action with the reason; resolves with what to say once done. */
  act: (reason: string) => Promise<string>;
  /** Fields besides the reason (e.g. how long). */
  children?: ComponentChildren;
  disabled?: boolean;
}) {
  const { id } = props;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ words: string; code?: string; failed?: boolean }>();
  const run = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      setOutcome({ words: await props.act(reason.trim()) });
      setReason('');
    } catch (err) {
      setOutcome({ words: describeError(err), code: errorCode(err), failed: true });
    } finally {
      setBusy(false);
    }
  };
  const off = busy || props.disabled || reason.trim() === '';
  // Enter in a field acts only for actions that need no second question.
  const submit = (e: Event) => {
    e.preventDefault();
    if (!props.question && !off) void run();
  };
  return (
    <form class="ops-action" aria-labelledby={`${id}-heading`} onSubmit={submit}>
      <h3 id={`${id}-heading`}>{props.heading}</h3>
      {props.children}
      <label for={`${id}-reason`}>Reason (kept in the audit log)</label>
      <textarea id={`${id}-reason`} rows={2} maxLength={REASON_MAX} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <p class="actions">
        {props.question ? (
          <ConfirmButton id={id} label={props.label} question={props.question} confirmLabel={props.label} disabled={off} onConfirm={run} />
        ) : (
          <button id={id} type="submit" class="danger" disabled={off}>
            {props.label}
          </button>
        )}
      </p>
      <p id={`${id}-status`} class={outcome?.failed ? 'error' : 'hint'} role={outcome?.failed ? 'alert' : 'status'} data-error-code={outcome?.code}>
        {outcome?.words}
        {outcome?.code && <code class="error-code"> ({outcome.code})</code>}
      </p>
    </form>
  );
}
