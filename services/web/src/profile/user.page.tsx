// /u/<handle>: someone's public profile, and (signed in) Follow and Block. Your own handle goes
// to /me, where you can edit it.
import { useEffect, useState } from 'preact/hooks';
import { describeError, errorCode } from '../api/error-words';
import { navigate } from '../router/router';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { ProfileAvatar } from './profile-avatar';
import { followCounts, profileOf, type FollowCounts, type Profile } from './profiles.api';
import { RelationshipButtons } from './relationship-buttons';
import './profile.css';

export default function UserPage({ params }: PageProps) {
  const handle = params.handle.toLowerCase();
  const own = session.value?.handle.toLowerCase() === handle;
  useEffect(() => {
    if (own) navigate('/me', { replace: true });
  }, [own]);
  const [profile, setProfile] = useState<Profile>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    setProfile(undefined);
    setFailure(undefined);
    if (!own) profileOf(handle).then(setProfile, (err: unknown) => setFailure(describeError(err)));
  }, [handle, own]);
  if (own) return <p role="status">Opening your profile…</p>;
  if (failure) return <p class="error" role="alert">{failure}</p>;
  if (!profile) return <p role="status">Loading @{handle}…</p>;
  return <PublicProfile profile={profile} />;
}

function PublicProfile({ profile }: { profile: Profile }) {
  const [counts, setCounts] = useState<FollowCounts>();
  const [countsNote, setCountsNote] = useState<string>();
  const signedIn = !!session.value;
  // Counts need a signed-in caller (social-graph hides them from someone blocked).
  const loadCounts = () =>
    signedIn
      ? followCounts(profile.id).then(
          (c) => (setCounts(c), setCountsNote(undefined)),
          (err: unknown) => (setCounts(undefined), setCountsNote(errorCode(err) === 'SOCIAL_GRAPH.BLOCKED' ? undefined : describeError(err))),
        )
      : undefined;
  useEffect(() => void loadCounts(), [profile.id, signedIn]);
  const name = profile.displayName || profile.handle;
  return (
    <article class="profile-card card" aria-labelledby="profile-name">
      <div class="profile-head">
        <ProfileAvatar src={profile.avatarUrl} name={name} size="large" />
        <div class="profile-names">
          <h1 id="profile-name">{name}</h1>
          <p class="profile-handle">@{profile.handle}</p>
        </div>
      </div>
      {profile.bio ? <p class="profile-bio" id="profile-bio">{profile.bio}</p> : <p class="hint">No bio yet.</p>}
      {counts && (
        <dl class="profile-counts" id="profile-counts">
          <div>
            <dt>Followers</dt>
            <dd id="followers-count">{counts.followers}</dd>
          </div>
          <div>
            <dt>Following</dt>
            <dd id="following-count">{counts.following}</dd>
          </div>
        </dl>
      )}
      {countsNote && <p class="hint">{countsNote}</p>}
      {signedIn ? (
        <RelationshipButtons profile={profile} onChanged={loadCounts} />
      ) : (
        <p class="hint">
          <a href={`/signin?next=${encodeURIComponent(`/u/${profile.handle}`)}`}>Sign in</a> to follow @{profile.handle}.
        </p>
      )}
    </article>
  );
}
