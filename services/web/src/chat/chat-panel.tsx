import { useEffect, useRef } from 'preact/hooks';
import type { ChatLine, ChatRoom } from './chat-room';
import { JuryPromptBox } from './jury-prompt';
import './live-extras.css';

/** The chat beside the video; the ids are what the end-to-end tests drive. */
export function ChatPanel({ room }: { room: ChatRoom }) {
  const list = useRef<HTMLOListElement>(null);
  const lines = room.lines.value;
  const { joined, watching } = room.presence.value;
  const owner = room.owner.value;
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
      {owner && (
        <div class="owner-tools">
          <label>
            <input id="juries" type="checkbox" checked={room.juries.value} onChange={(e) => room.settings({ juries: (e.currentTarget as HTMLInputElement).checked })} /> Flash juries on reported messages
          </label>
          <label>
            <input id="followers-only" type="checkbox" checked={room.followersOnly.value} onChange={(e) => room.settings({ followersOnly: (e.currentTarget as HTMLInputElement).checked })} /> Only my followers write
          </label>
        </div>
      )}
      {/* A log: screen readers announce new lines politely, as they come. */}
      <div role="log" aria-label="Chat messages">
        <ol id="messages" ref={list}>
          {lines.map((l) => (
            <li key={l.key} class={l.notice ? 'notice' : 'message-line'} data-message-id={l.messageId}>
              <b>{l.handle}</b> <span class="line-text">{l.text}</span>
              <LineActions room={room} line={l} />
            </li>
          ))}
        </ol>
      </div>
      <JuryPromptBox room={room} />
      {room.commentsFull.value && (
        <p id="comments-full" class="comments-full" role="status">
          Comments are full: the broadcaster’s followers and the first 100 commenters write now. You can still read and send hearts.
        </p>
      )}
      <form class="chat-compose" onSubmit={submit}>
        <label class="visually-hidden" for="chat-text">
          Message
        </label>
        <input id="chat-text" name="text" maxLength={280} placeholder="Say something" autocomplete="off" />
        <button id="chat-send" type="submit" disabled={!room.canWrite.value}>
          Send
        </button>
        <button id="heart" type="button" class="heart" aria-label="Send a heart" title="Send a heart (H)" onClick={() => room.tapHeart()}>
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

/** What one can do about someone else's message: report it; the broadcaster mutes or blocks its author. */
function LineActions({ room, line }: { room: ChatRoom; line: ChatLine }) {
  const { messageId, authorId, handle } = line;
  if (line.notice || !messageId || !authorId || authorId === room.accountId.value) return null;
  if (room.owner.value) {
    const muted = room.muted.value.has(authorId);
    return (
      <span class="line-actions">
        <button type="button" class="mute" aria-label={`${muted ? 'Unmute' : 'Mute'} ${handle}`} onClick={() => room.mute(authorId, !muted)}>
          {muted ? 'Unmute' : 'Mute'}
        </button>
        <button type="button" class="block danger" aria-label={`Block ${handle}`} onClick={() => void room.block(authorId, handle)}>
          Block
        </button>
      </span>
    );
  }
  return (
    <span class="line-actions">
      <button type="button" class="report" aria-label={`Report message from ${handle}`} onClick={() => room.report(messageId)}>
        Report
      </button>
    </span>
  );
}
