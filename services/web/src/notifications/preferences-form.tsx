import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { fetchPreferences, updatePreferences, type Preferences } from './notifications.api';

const CHOICES: Array<{ key: keyof Preferences; label: string }> = [
  { key: 'goLive', label: 'Someone I follow goes live' },
  { key: 'followers', label: 'Someone follows me' },
  { key: 'replays', label: 'My replays are ready or about to expire' },
];

/** Which kinds of notifications to get; each toggle is saved as it changes. */
export function PreferencesForm() {
  const [prefs, setPrefs] = useState<Preferences>();
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<{ words: string; failed?: boolean }>();
  useEffect(() => {
    fetchPreferences().then(setPrefs, (err) => setStatus({ words: describeError(err), failed: true }));
  }, []);
  const toggle = async (key: keyof Preferences, on: boolean) => {
    const before = prefs;
    // Shown as clicked at once (a controlled checkbox would flip back until the answer comes).
    if (before) setPrefs({ ...before, [key]: on });
    setSaving(true);
    setStatus(undefined);
    try {
      setPrefs(await updatePreferences({ [key]: on }));
      setStatus({ words: 'Saved.' });
    } catch (err) {
      setPrefs(before);
      setStatus({ words: describeError(err), failed: true });
    } finally {
      setSaving(false);
    }
  };
  return (
    <form class="card preferences" aria-labelledby="preferences-heading" onSubmit={(e) => e.preventDefault()}>
      <fieldset disabled={!prefs || saving}>
        <legend id="preferences-heading">Notify me when</legend>
        {CHOICES.map(({ key, label }) => (
          <label class="toggle" key={key}>
            <input id={`pref-${key}`} type="checkbox" checked={prefs?.[key] ?? false} onChange={(e) => toggle(key, e.currentTarget.checked)} />
            {label}
          </label>
        ))}
      </fieldset>
      <p id="preferences-status" class={status?.failed ? 'error' : 'hint'} role="status">
        {status?.words}
      </p>
    </form>
  );
}
