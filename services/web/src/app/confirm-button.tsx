// A button that asks before doing something hard to undo (block, delete). An inline question
// rather than window.confirm(): it is styled, it reads out to a screen reader as a group with
// its own buttons, and focus moves to the safe choice so Enter twice does not confirm by accident.
import { useEffect, useRef, useState } from 'preact/hooks';
import './confirm-button.css';

export function ConfirmButton(props: {
  /** The first button's text. */
  label: string;
  /** Its accessible name when the text alone is ambiguous (several "Delete" in a list). */
  name?: string;
  /** The question, e.g. "Block @ann? …". */
  question: string;
  /** The confirming button's text. */
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
  id?: string;
}) {
  const [asking, setAsking] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) cancel.current?.focus();
    else if (wasAsking.current) opener.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking)
    return (
      <button type="button" class="danger" id={props.id} ref={opener} aria-label={props.name} disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  const confirm = async () => {
    setAsking(false);
    await props.onConfirm();
  };
  return (
    <span class="confirm-step" role="group" aria-label={props.question} onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
      <span class="confirm-question">{props.question}</span>
      <button type="button" class="danger" id={props.id && `${props.id}-confirm`} onClick={confirm}>
        {props.confirmLabel}
      </button>
      <button type="button" ref={cancel} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
