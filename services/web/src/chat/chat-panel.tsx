import { useEffect, useRef } from 'preact/hooks';
import type { ChatRoom } from './chat-room';

/** The chat beside the video; the ids are what the end-to-end tests drive. */
export function ChatPanel({ room }: { room: ChatRoom }) {
  const list = useRef<HTMLOListElement>(null);
  const lines = room.lines.value;
  const { joined, watching } = room.presence.value;
  // New lines scroll into view.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [lines]);
  const submit = (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
    if (room.send(input.value)) input.value = '';
  };
  return (
    <section id="chat" class="chat card" aria-labelledby="chat-heading">
      <h2 id="chat-heading">
        Chat{' '}
        <small id="presence">
          {joined} in chat, {watching} watching
        </small>
      </h2>
      {/* A log: screen readers announce new lines politely, as they come. */}
      <div role="log" aria-label="Chat messages">
        <ol id="messages" ref={list}>
          {lines.map((l) => (
            <li key={l.key} class={l.notice ? 'notice' : undefined}>
              <b>{l.handle}</b> {l.text}
            </li>
          ))}
        </ol>
      </div>
      <form class="chat-compose" onSubmit={submit}>
        <label class="visually-hidden" for="chat-text">
          Message
        </label>
        <input id="chat-text" name="text" maxLength={280} placeholder="Say something" autocomplete="off" />
        <button id="chat-send" type="submit" disabled={!room.canWrite.value}>
          Send
        </button>
        <button id="heart" type="button" class="heart" aria-label="Send a heart" onClick={() => room.tapHeart()}>
          ♥
        </button>
        <span id="hearts-count">{room.hearts.value}</span>
        <span class="visually-hidden"> hearts</span>
      </form>
      <p id="chat-state" role="status">
        {room.notice.value}
      </p>
    </section>
  );
}
