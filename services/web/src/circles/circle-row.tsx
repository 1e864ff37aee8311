// One circle in the list: its name and member count, Open, Rename (in place) and Delete (after
// asking). Buttons name the circle, so a screen reader's list of buttons is not "Rename" ×10.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ConfirmButton } from '../app/confirm-button';
import { describeError } from '../api/error-words';
import { CIRCLE_NAME_MAX, deleteCircle, renameCircle, type Circle } from './circles.api';

export function CircleRow(props: { circle: Circle; open: boolean; onOpen: () => void; onChanged: () => void; onDeleted: () => void }) {
  const { circle } = props;
  const [renaming, setRenaming] = useState(false);
  const [failure, setFailure] = useState<string>();
  const members = `${circle.memberCount} ${circle.memberCount === 1 ? 'member' : 'members'}`;
  const remove = async () => {
    try {
      await deleteCircle(circle.id);
      props.onDeleted();
    } catch (err) {
      setFailure(describeError(err));
    }
  };
  return (
    <li class={`circle-row card${props.open ? ' open' : ''}`} data-circle-id={circle.id}>
      {renaming ? (
        <RenameForm circle={circle} onDone={(changed) => (setRenaming(false), changed && props.onChanged())} />
      ) : (
        <>
          <div class="circle-title">
            <strong class="circle-name">{circle.name}</strong> <span class="hint">{members}</span>
          </div>
          <div class="actions">
            <button type="button" class={props.open ? 'primary' : ''} aria-pressed={props.open} aria-label={`Open ${circle.name}`} onClick={props.onOpen}>
              Open
            </button>
            <button type="button" aria-label={`Rename ${circle.name}`} onClick={() => setRenaming(true)}>
              Rename
            </button>
            <ConfirmButton label="Delete" name={`Delete ${circle.name}`} question={`Delete the circle “${circle.name}”? Its ${members} are not told.`} confirmLabel={`Yes, delete ${circle.name}`} onConfirm={remove} />
          </div>
        </>
      )}
      {failure && <p class="error" role="alert">{failure}</p>}
    </li>
  );
}

function RenameForm({ circle, onDone }: { circle: Circle; onDone: (changed: boolean) => void }) {
  const [name, setName] = useState(circle.name);
  const [failure, setFailure] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const id = `rename-${circle.id}`;
  const save = async (e: Event) => {
    e.preventDefault();
    if (name.trim() === circle.name) return onDone(false);
    try {
      await renameCircle(circle.id, name.trim());
      onDone(true);
    } catch (err) {
      setFailure(describeError(err));
    }
  };
  return (
    <form onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && onDone(false)}>
      <label for={id}>New name for {circle.name}</label>
      <div class="inline-field">
        <input id={id} ref={input} required maxLength={CIRCLE_NAME_MAX} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" class="primary">
          Save name
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      {failure && <p class="error" role="alert">{failure}</p>}
    </form>
  );
}
