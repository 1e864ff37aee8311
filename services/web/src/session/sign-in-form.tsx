import { useState } from 'preact/hooks';
import { describeError, errorCode } from '../api/error-words';
import { signIn } from './session';

/**
 * Handle-or-email and password. Used by /signin and in place of the page on /broadcast and
 * /watch/<id> while nobody is signed in (the page appears once someone is). The ids are what
 * the end-to-end tests fill in (libs/testing signInOnPage).
 */
export function SignInForm({ onSignedIn, heading = 'Sign in' }: { onSignedIn?: () => void; heading?: string }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ words: string; code?: string }>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setFailure(undefined);
    try {
      await signIn(String(form.get('login')).trim(), String(form.get('password')));
      onSignedIn?.();
    } catch (err) {
      setFailure({ words: describeError(err), code: errorCode(err) });
      setBusy(false);
    }
  };
  return (
    <form class="card narrow" onSubmit={submit} aria-labelledby="signin-heading">
      <h2 id="signin-heading">{heading}</h2>
      <label for="login">Handle or email</label>
      <input id="login" name="login" required minLength={3} maxLength={254} autocomplete="username" autocapitalize="none" spellcheck={false} />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" required maxLength={128} autocomplete="current-password" />
      <p id="signin-error" class="error" role="alert" data-code={failure?.code}>
        {failure?.words}
      </p>
      <button id="signin" class="primary" type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      <p class="hint">
        New here? <a href="/signup">Create an account</a>.
      </p>
    </form>
  );
}
