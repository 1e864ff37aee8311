// An open circle's members: add one by handle (identity turns the handle into an account id;
// social-graph adds only your followers and says SOCIAL_GRAPH.NOT_A_FOLLOWER otherwise), and
// remove one. social-graph lists members by id only: names come from handles this browser has
// seen (known-handles.ts), and identity names the others (GET /v1/users?ids=…).
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { knownHandle } from '../profile/known-handles';
import { profileOf, profilesByIds } from '../profile/profiles.api';
import { addCircleMember, circleMembers, removeCircleMember, type Circle, type CircleMember } from './circles.api';

export function CircleMembers({ circle, onChanged }: { circle: Circle; onChanged: () => void }) {
  const [members, setMembers] = useState<CircleMember[]>();
  const [more, setMore] = useState<string | null>(null);
  const [status, setStatus] = useState<{ words: string; failed?: boolean }>();
  /** Bumped once identity has named members this browser had not seen: they render by handle. */
  const [, setNamed] = useState(0);
  const nameUnknown = (page: CircleMember[]) => {
    const unknown = page.map((m) => m.accountId).filter((id) => !knownHandle(id));
    // Unnamed members stay shown by id if the lookup fails: nothing else depends on it.
    if (unknown.length) profilesByIds(unknown).then(() => setNamed((n) => n + 1), () => undefined);
  };
  const load = () =>
    circleMembers(circle.id).then(
      (page) => (setMembers(page.items), setMore(page.nextCursor), nameUnknown(page.items)),
      (err: unknown) => setStatus({ words: describeError(err), failed: true }),
    );
  const loadMore = () =>
    more &&
    circleMembers(circle.id, more).then(
      (page) => (setMembers((shown) => [...(shown ?? []), ...page.items]), setMore(page.nextCursor), nameUnknown(page.items)),
      (err: unknown) => setStatus({ words: describeError(err), failed: true }),
    );
  useEffect(() => void load(), [circle.id]);
  const changed = (words: string) => {
    setStatus({ words });
    void load();
    onChanged();
  };
  const remove = async (member: CircleMember) => {
    const name = nameOf(member.accountId);
    try {
      await removeCircleMember(circle.id, member.accountId);
      changed(`${name} is no longer in ${circle.name}.`);
    } catch (err) {
      setStatus({ words: describeError(err), failed: true });
    }
  };
  return (
    <section class="card circle-members" aria-labelledby="circle-members-heading">
      <h2 id="circle-members-heading">Members of {circle.name}</h2>
      <AddMemberForm circle={circle} onAdded={changed} onFailed={(words) => setStatus({ words, failed: true })} />
      <p id="members-status" class={status?.failed ? 'error' : 'hint'} role={status?.failed ? 'alert' : 'status'}>
        {status?.words}
      </p>
      {!members ? (
        <p role="status">Loading members…</p>
      ) : members.length === 0 ? (
        <p id="members-none">Nobody is in this circle yet.</p>
      ) : (
        <ul class="member-list" id="member-list" aria-label={`Members of ${circle.name}`}>
          {members.map((m) => (
            <li key={m.accountId} class="member-row">
              <MemberName accountId={m.accountId} />
              <button type="button" class="danger" aria-label={`Remove ${nameOf(m.accountId)} from ${circle.name}`} onClick={() => remove(m)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {more && (
        <p class="actions">
          <button type="button" onClick={loadMore}>
            Show more members
          </button>
        </p>
      )}
    </section>
  );
}

const nameOf = (accountId: string) => {
  const handle = knownHandle(accountId);
  return handle ? `@${handle}` : `account ${accountId.slice(0, 8)}`;
};

function MemberName({ accountId }: { accountId: string }) {
  const handle = knownHandle(accountId);
  return handle ? (
    <a class="member-name" href={`/u/${handle}`}>
      @{handle}
    </a>
  ) : (
    <span class="member-name" title={accountId}>
      {nameOf(accountId)}
    </span>
  );
}

function AddMemberForm({ circle, onAdded, onFailed }: { circle: Circle; onAdded: (words: string) => void; onFailed: (words: string) => void }) {
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const add = async (e: Event) => {
    e.preventDefault();
    const wanted = handle.trim().replace(/^@/, '');
    setBusy(true);
    try {
      const profile = await profileOf(wanted);
      await addCircleMember(circle.id, profile.id);
      setHandle('');
      onAdded(`@${profile.handle} is in ${circle.name} now.`);
    } catch (err) {
      onFailed(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="add-member" onSubmit={add}>
      <label for="member-handle">Add a follower by handle</label>
      <div class="inline-field">
        <input
          id="member-handle"
          required
          minLength={3}
          maxLength={16}
          pattern="@?[A-Za-z0-9_]{3,15}"
          autocapitalize="none"
          spellcheck={false}
          placeholder="@handle"
          value={handle}
          aria-describedby="members-status"
          onInput={(e) => setHandle(e.currentTarget.value)}
        />
        <button id="add-member" class="primary" type="submit" disabled={busy}>
          Add
        </button>
      </div>
    </form>
  );
}
