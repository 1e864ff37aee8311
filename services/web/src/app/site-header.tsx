import { NotificationBell } from '../notifications/notification-bell';
import { NotificationToasts } from '../notifications/notification-toasts';
import { navigate } from '../router/router';
import { isOperator } from '../session/roles';
import { session, signOut } from '../session/session';

export function SiteHeader() {
  const signedIn = session.value;
  const leave = async () => {
    await signOut();
    navigate('/');
  };
  return (
    <header class="site-header">
      <a class="brand" href="/" aria-label="OnAir, home">
        <span class="brand-dot" aria-hidden="true" />
        OnAir
      </a>
      <nav aria-label="Main">
        <a class="button primary" href="/broadcast">
          Go live
        </a>
        <a href="/map">Map</a>
        <a href="/following">Following</a>
        <a href="/replays">Replays</a>
        {signedIn ? (
          <>
            <NotificationBell />
            <a href="/circles">Circles</a>
            {isOperator() && (
              <a href="/ops" id="ops-link">
                Ops
              </a>
            )}
            <a href="/me" id="profile-link">
              Profile
            </a>
            <span class="who" id="signed-in-as">
              @{signedIn.handle}
            </span>
            <button type="button" id="signout" onClick={leave}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <a href="/signin">Sign in</a>
            <a href="/signup">Sign up</a>
          </>
        )}
      </nav>
      <NotificationToasts />
    </header>
  );
}
