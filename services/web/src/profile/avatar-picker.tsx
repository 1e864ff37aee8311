// The avatar: the current image (or the first letter of the name), a file input limited to the
// types identity accepts, a preview of the chosen file before it is sent, and its own Upload
// button so a picture can change without touching the name or bio.
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { AVATAR_TYPES, avatarProblem } from './profile-limits';
import { uploadAvatar } from './profiles.api';
import { ProfileAvatar } from './profile-avatar';

export function AvatarPicker({ current, name, onUploaded }: { current: string | null; name: string; onUploaded: () => void }) {
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<string>();
  const [status, setStatus] = useState<{ words: string; failed?: boolean }>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // A blob: URL holds the file in memory until revoked.
  useEffect(() => () => preview && URL.revokeObjectURL(preview), [preview]);

  const choose = (e: Event) => {
    const chosen = (e.currentTarget as HTMLInputElement).files?.[0];
    setFile(undefined);
    setPreview(undefined);
    if (!chosen) return setStatus(undefined);
    const problem = avatarProblem(chosen);
    if (problem) return setStatus({ words: problem, failed: true });
    setFile(chosen);
    setPreview(URL.createObjectURL(chosen));
    setStatus({ words: 'Preview: not saved yet. Press “Upload picture” to save it.' });
  };
  const upload = async () => {
    if (!file) return;
    setBusy(true);
    try {
      await uploadAvatar(file);
      setStatus({ words: 'Picture saved.' });
      // The saved image (from identity) replaces the preview; the input is ready for another.
      setFile(undefined);
      setPreview(undefined);
      if (input.current) input.current.value = '';
      onUploaded();
    } catch (err) {
      setStatus({ words: describeError(err), failed: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <fieldset class="card avatar-picker">
      <legend>Picture</legend>
      <div class="avatar-row">
        <ProfileAvatar src={preview ?? current} name={name} size="large" />
        <div>
          <label for="avatar-file">Choose a picture</label>
          <input id="avatar-file" ref={input} type="file" accept={AVATAR_TYPES.join(',')} aria-describedby="avatar-hint avatar-status" onChange={choose} />
          <p class="hint" id="avatar-hint">
            PNG, JPEG or WebP, up to 1 MB.
          </p>
        </div>
      </div>
      <p id="avatar-status" class={status?.failed ? 'error' : 'hint'} role={status?.failed ? 'alert' : 'status'}>
        {status?.words}
      </p>
      <p class="actions">
        <button type="button" id="avatar-upload" class="primary" disabled={!file || busy} onClick={upload}>
          {busy ? 'Uploading…' : 'Upload picture'}
        </button>
      </p>
    </fieldset>
  );
}
