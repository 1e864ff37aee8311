// /me: your own profile. Display name and bio are one form (PATCH /v1/users/me sends only what
// changed); the picture uploads on its own. Limits are shown and enforced as you type, the
// server's refusal (if any) is shown in words.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { AvatarPicker } from './avatar-picker';
import { freshAvatarUrl } from './profile-avatar';
import { BIO_MAX, DISPLAY_NAME_MAX } from './profile-limits';
import { myProfile, updateMyProfile, type Profile } from './profiles.api';
import './profile.css';

export default function MePage(_props: PageProps) {
  return (
    <section class="profile-page">
      <h1>Your profile</h1>
      {session.value ? <MyProfile /> : <SignInForm heading="Sign in to edit your profile" />}
    </section>
  );
}

function MyProfile() {
  const [profile, setProfile] = useState<Profile>();
  const [failure, setFailure] = useState<string>();
  const [avatarVersion, setAvatarVersion] = useState(0);
  const load = () => myProfile().then(setProfile, (err: unknown) => setFailure(describeError(err)));
  useEffect(() => void load(), []);
  if (!profile) return failure ? <p class="error" role="alert">{failure}</p> : <p role="status">Loading your profile…</p>;
  const uploaded = () => {
    setAvatarVersion(Date.now());
    void load();
  };
  return (
    <div class="profile-edit">
      <p class="hint">
        Others see this at <a href={`/u/${profile.handle}`}>/u/{profile.handle}</a>.
      </p>
      <AvatarPicker current={freshAvatarUrl(profile.avatarUrl, avatarVersion)} name={profile.displayName || profile.handle} onUploaded={uploaded} />
      <ProfileForm profile={profile} onSaved={setProfile} />
    </div>
  );
}

function ProfileForm({ profile, onSaved }: { profile: Profile; onSaved: (p: Profile) => void }) {
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [bio, setBio] = useState(profile.bio);
  const [status, setStatus] = useState<{ words: string; failed?: boolean }>();
  const [busy, setBusy] = useState(false);
  const changes = {
    ...(displayName.trim() !== profile.displayName ? { displayName: displayName.trim() } : {}),
    ...(bio !== profile.bio ? { bio } : {}),
  };
  const unchanged = Object.keys(changes).length === 0;
  const save = async (e: Event) => {
    e.preventDefault();
    if (unchanged) return setStatus({ words: 'Nothing changed.' });
    setBusy(true);
    setStatus(undefined);
    try {
      const saved = await updateMyProfile(changes);
      onSaved(saved);
      setDisplayName(saved.displayName);
      setBio(saved.bio);
      setStatus({ words: 'Profile saved.' });
    } catch (err) {
      setStatus({ words: describeError(err), failed: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={save} aria-labelledby="profile-form-heading">
      <h2 id="profile-form-heading">Name and bio</h2>
      <label for="display-name">Display name</label>
      <input
        id="display-name"
        name="displayName"
        required
        maxLength={DISPLAY_NAME_MAX}
        value={displayName}
        aria-describedby="display-name-count"
        onInput={(e) => setDisplayName(e.currentTarget.value)}
      />
      <p class="hint" id="display-name-count">
        {displayName.length} of {DISPLAY_NAME_MAX} characters
      </p>
      <label for="bio">Bio</label>
      <textarea id="bio" name="bio" rows={4} maxLength={BIO_MAX} value={bio} aria-describedby="bio-count" onInput={(e) => setBio(e.currentTarget.value)} />
      <p class="hint" id="bio-count">
        {bio.length} of {BIO_MAX} characters
      </p>
      <p id="profile-status" class={status?.failed ? 'error' : 'hint'} role={status?.failed ? 'alert' : 'status'}>
        {status?.words}
      </p>
      <p class="actions">
        <button id="profile-save" class="primary" type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
      </p>
    </form>
  );
}
