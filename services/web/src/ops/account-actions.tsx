// An account's suspension: whether it is suspended (until when, why), suspending it for a while
// or for good, and lifting it. Each with a reason, for the audit log.
import { useState } from 'preact/hooks';
import { liftSuspension, suspend, suspensionOf, type Suspension } from './ops.api';
import { ReasonAction } from './reason-action';
import { Failure } from './failure';
import { usePolled } from './use-polled';

const DAY_MS = 86_400_000;
/** The durations offered; '' is for good (ops takes no `until`). */
const DURATIONS = [
  ['1', 'For a day'],
  ['7', 'For a week'],
  ['30', 'For 30 days'],
  ['', 'For good'],
] as const;

export function AccountActions({ accountId, heading }: { accountId: string; heading: string }) {
  const [changed, setChanged] = useState(0);
  const [days, setDays] = useState<string>('1');
  const status = usePolled(
    () => suspensionOf(accountId).catch((err: { code?: string }) => (err.code === 'OPS.NOT_SUSPENDED' ? null : Promise.reject(err))),
    [accountId, changed],
    15_000,
  );
  const after = (words: string) => (setChanged((c) => c + 1), words);
  const suspended = status.value;
  return (
    <section class="ops-account" aria-labelledby="ops-account-heading" data-account-id={accountId} data-suspended={suspended === undefined ? undefined : String(Boolean(suspended))}>
      <h2 id="ops-account-heading">{heading}</h2>
      <Failure id="ops-suspension-error" failure={status.failure} />
      {suspended !== undefined && <p id="ops-suspension">{suspended ? suspensionWords(suspended) : 'Not suspended.'}</p>}
      {suspended !== null && (
        <ReasonAction id="lift-suspension" heading="Lift the suspension" label="Lift suspension" act={async (reason) => after((await liftSuspension(accountId, reason), 'Suspension lifted.'))} />
      )}
      <ReasonAction
        id="suspend"
        heading="Suspend the account"
        label="Suspend"
        question="Suspend this account?"
        act={async (reason) => after((await suspend(accountId, reason, days ? new Date(Date.now() + Number(days) * DAY_MS).toISOString() : undefined), 'Suspended.'))}
      >
        <label for="suspend-for">How long</label>
        <select id="suspend-for" value={days} onChange={(e) => setDays(e.currentTarget.value)}>
          {DURATIONS.map(([value, words]) => (
            <option key={value} value={value}>
              {words}
            </option>
          ))}
        </select>
      </ReasonAction>
    </section>
  );
}

function suspensionWords(s: Suspension): string {
  const until = s.until ? `until ${new Date(s.until).toLocaleString()}` : 'for good';
  return `Suspended ${until}${s.reason ? `: “${s.reason}”` : ''}.`;
}
