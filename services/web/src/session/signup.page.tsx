import { useState } from 'preact/hooks';
import { describeError, errorCode } from '../api/error-words';
import { navigate, nextPath } from '../router/router';
import { signUp } from './session';

/** The same rules identity applies (create-account.body.ts, password-policy.ts), checked first here. */
const HANDLE_PATTERN = '[A-Za-z0-9_]{3,15}';
const MIN_PASSWORD = 10;

export function SignUpPage() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ words: string; code?: string }>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const displayName = String(form.get('displayName')).trim();
    setBusy(true);
    setFailure(undefined);
    try {
      await signUp({
        handle: String(form.get('handle')).trim(),
        email: String(form.get('email')).trim(),
        password: String(form.get('password')),
        ...(displayName ? { displayName } : {}),
      });
      navigate(nextPath(), { replace: true });
    } catch (err) {
      setFailure({ words: describeError(err), code: errorCode(err) });
      setBusy(false);
    }
  };
  return (
    <section class="narrow">
      <h1>Sign up</h1>
      <form class="card" onSubmit={submit} aria-label="Create an account">
        <label for="signup-handle">Handle</label>
        <input id="signup-handle" name="handle" required pattern={HANDLE_PATTERN} autocomplete="username" autocapitalize="none" spellcheck={false} aria-describedby="signup-handle-hint" />
        <p id="signup-handle-hint" class="hint">
          3 to 15 letters, digits or _. People find you by it.
        </p>
        <label for="signup-display-name">Display name (optional)</label>
        <input id="signup-display-name" name="displayName" maxLength={50} autocomplete="nickname" />
        <label for="signup-email">Email</label>
        <input id="signup-email" name="email" type="email" required maxLength={254} autocomplete="email" />
        <label for="signup-password">Password</label>
        <input id="signup-password" name="password" type="password" required minLength={MIN_PASSWORD} maxLength={128} autocomplete="new-password" aria-describedby="signup-password-hint" />
        <p id="signup-password-hint" class="hint">
          At least {MIN_PASSWORD} characters; common passwords are refused.
        </p>
        <p id="signup-error" class="error" role="alert" data-code={failure?.code}>
          {failure?.words}
        </p>
        <button id="signup" class="primary" type="submit" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
        <p class="hint">
          Already have an account? <a href="/signin">Sign in</a>.
        </p>
      </form>
    </section>
  );
}
