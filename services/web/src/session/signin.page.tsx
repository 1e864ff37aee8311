import { navigate, nextPath } from '../router/router';
import { session } from './session';
import { SignInForm } from './sign-in-form';

export function SignInPage() {
  const signedIn = session.value;
  return (
    <section class="narrow">
      <h1>Sign in</h1>
      {signedIn ? (
        <p>
          You are signed in as @{signedIn.handle}. <a href={nextPath()}>Continue</a>.
        </p>
      ) : (
        <SignInForm heading="Welcome back" onSignedIn={() => navigate(nextPath(), { replace: true })} />
      )}
    </section>
  );
}
