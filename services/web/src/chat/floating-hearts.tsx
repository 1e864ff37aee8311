import './live-extras.css';
import type { ChatRoom } from './chat-room';

/**
 * Hearts rising over the video: each is a span with a CSS animation (the CSP allows no inline
 * styles), its lane picked by its key; it leaves the page when its animation ends.
 */
export function FloatingHearts({ room }: { room: ChatRoom }) {
  return (
    <div class="floating-hearts" aria-hidden="true">
      {room.floating.value.map((key) => (
        <span key={key} class={`floating-heart lane-${key % 5}`} onAnimationEnd={() => room.landed(key)}>
          ♥
        </span>
      ))}
    </div>
  );
}
