import { useEffect } from 'preact/hooks';
import type { ChatRoom } from './chat-room';

/** A flash jury's question (PROTOCOL.md, "Flash juries"): guilty or not, before its deadline. */
export function JuryPromptBox({ room }: { room: ChatRoom }) {
  const jury = room.jury.value;
  // After the deadline a vote would only be refused (CHAT.JURY_CLOSED): the question goes away.
  useEffect(() => {
    if (!jury) return;
    const timer = setTimeout(() => {
      if (room.jury.value === jury) room.jury.value = undefined;
    }, Math.max(0, jury.deadline - Date.now()));
    return () => clearTimeout(timer);
  }, [jury]);
  if (!jury) return null;
  const seconds = Math.max(1, Math.round((jury.deadline - Date.now()) / 1000));
  return (
    <div id="jury" class="jury-prompt" role="alertdialog" aria-labelledby="jury-question">
      <p id="jury-question">
        You are on a flash jury. Should {jury.authorHandle} be muted for this message? ({seconds} s to decide)
      </p>
      <blockquote>{jury.text}</blockquote>
      <div class="actions">
        <button id="jury-guilty" type="button" class="danger" onClick={() => room.vote(true)}>
          Yes, mute
        </button>
        <button id="jury-acquit" type="button" onClick={() => room.vote(false)}>
          No, it is fine
        </button>
      </div>
    </div>
  );
}
