import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { pushState, turnPushOff, turnPushOn, type PushState } from './web-push';

const STATE_WORDS: Record<PushState, string> = {
  unsupported: 'This browser cannot receive push notifications. You still get them here while OnAir is open.',
  denied: 'Notifications are blocked for OnAir in this browser. Allow them in the site settings, then try again.',
  off: 'Get a notification on this device when someone you follow goes live, even with OnAir closed.',
  on: 'This device gets push notifications.',
};

/** Web Push opt-in for this browser: on, off, or words for why it cannot be. */
export function PushOptIn() {
  const [state, setState] = useState<PushState>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    pushState().then(setState, () => setState('unsupported'));
  }, []);
  const change = async (turn: () => Promise<PushState>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      setState(await turn());
    } catch (err) {
      setFailure(pushFailureWords(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card push-opt-in" aria-labelledby="push-heading">
      <h2 id="push-heading">Push notifications</h2>
      <p id="push-state" class="hint" data-state={state}>
        {state ? STATE_WORDS[state] : 'Checking this browser…'}
      </p>
      {state === 'off' && (
        <button id="push-on" type="button" class="primary" disabled={busy} onClick={() => change(turnPushOn)}>
          Turn on push notifications
        </button>
      )}
      {state === 'on' && (
        <button id="push-off" type="button" disabled={busy} onClick={() => change(turnPushOff)}>
          Turn off push notifications
        </button>
      )}
      <p id="push-error" class="error" role="alert">
        {failure}
      </p>
    </section>
  );
}

/** The browser's own push errors have no API code: their names say what happened. */
function pushFailureWords(err: unknown): string {
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'NotAllowedError') return STATE_WORDS.denied;
  if (name === 'AbortError' || name === 'NotSupportedError' || name === 'InvalidStateError')
    return 'This browser could not reach its push service. Try again later, or use another browser.';
  return describeError(err);
}
