// /notifications: the inbox, which notifications to get, and push on this device. Its own chunk:
// the bell and the toasts (in the first chunk) are all other pages need.
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { InboxList } from './inbox-list';
import { PreferencesForm } from './preferences-form';
import { PushOptIn } from './push-opt-in';
import './notifications.page.css';

export default function NotificationsPage() {
  return (
    <section class="notifications-page">
      <h1>Notifications</h1>
      {session.value ? (
        <div class="notifications-layout">
          <InboxList />
          <div class="notifications-settings">
            <PreferencesForm />
            <PushOptIn />
          </div>
        </div>
      ) : (
        <SignInForm heading="Sign in to see your notifications" />
      )}
    </section>
  );
}
