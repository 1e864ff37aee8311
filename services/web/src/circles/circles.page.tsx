// /circles: your circles — create, rename, delete (after asking) — and one open at a time to
// see, add and remove its members.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { CircleMembers } from './circle-members';
import { CircleRow } from './circle-row';
import { CIRCLE_NAME_MAX, createCircle, myCircles, type Circle } from './circles.api';
import './circles.css';

export default function CirclesPage(_props: PageProps) {
  return (
    <section class="circles-page">
      <h1>Circles</h1>
      <p class="hint">A circle is a group of your followers. You can go live for one circle only.</p>
      {session.value ? <MyCircles /> : <SignInForm heading="Sign in to see your circles" />}
    </section>
  );
}

function MyCircles() {
  const [circles, setCircles] = useState<Circle[]>();
  const [openId, setOpenId] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const load = () => myCircles().then((items) => (setCircles(items), setFailure(undefined)), (err: unknown) => setFailure(describeError(err)));
  useEffect(() => void load(), []);
  if (!circles) return failure ? <p class="error" role="alert">{failure}</p> : <p role="status">Loading your circles…</p>;
  const open = circles.find((c) => c.id === openId);
  return (
    <div class="circles-layout">
      <div>
        <NewCircleForm onCreated={(c) => (setOpenId(c.id), load())} />
        {circles.length === 0 ? (
          <p class="card" id="circles-none">
            You have no circles yet.
          </p>
        ) : (
          <ul class="circle-list" id="circle-list" aria-label="Your circles">
            {circles.map((c) => (
              <CircleRow key={c.id} circle={c} open={c.id === openId} onOpen={() => setOpenId(c.id)} onChanged={load} onDeleted={() => (c.id === openId && setOpenId(undefined), load())} />
            ))}
          </ul>
        )}
        {failure && <p class="error" role="alert">{failure}</p>}
      </div>
      {open && <CircleMembers key={open.id} circle={open} onChanged={load} />}
    </div>
  );
}

function NewCircleForm({ onCreated }: { onCreated: (c: Circle) => void }) {
  const [name, setName] = useState('');
  const [status, setStatus] = useState<{ words: string; failed?: boolean }>();
  const [busy, setBusy] = useState(false);
  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setStatus(undefined);
    try {
      const circle = await createCircle(name.trim());
      setName('');
      setStatus({ words: `Circle “${circle.name}” created.` });
      onCreated(circle);
    } catch (err) {
      setStatus({ words: describeError(err), failed: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card new-circle" onSubmit={create} aria-labelledby="new-circle-heading">
      <h2 id="new-circle-heading">New circle</h2>
      <label for="new-circle-name">Name</label>
      <div class="inline-field">
        <input id="new-circle-name" required maxLength={CIRCLE_NAME_MAX} value={name} aria-describedby="new-circle-status" onInput={(e) => setName(e.currentTarget.value)} />
        <button id="create-circle" class="primary" type="submit" disabled={busy}>
          Create
        </button>
      </div>
      <p id="new-circle-status" class={status?.failed ? 'error' : 'hint'} role={status?.failed ? 'alert' : 'status'}>
        {status?.words}
      </p>
    </form>
  );
}
