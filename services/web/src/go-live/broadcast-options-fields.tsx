import type { Visibility } from '../broadcasts/broadcasts.api';
import { PRECISIONS, type BroadcastOptions } from './broadcast-options';

/** Topics as chips, location sharing and the audience: fields of the go-live form. */
export function BroadcastOptionsFields({ options, disabled }: { options: BroadcastOptions; disabled: boolean }) {
  const topics = options.topics.value;
  // Enter or a comma makes a chip; Backspace in an empty field takes the last one back.
  const onTopicKey = (e: KeyboardEvent) => {
    const input = e.currentTarget as HTMLInputElement;
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      if (options.addTopic(input.value)) input.value = '';
    } else if (e.key === 'Backspace' && !input.value && topics.length) {
      options.removeTopic(topics[topics.length - 1]);
    }
  };
  const onTopicBlur = (e: FocusEvent) => {
    const input = e.currentTarget as HTMLInputElement;
    if (input.value && options.addTopic(input.value)) input.value = '';
  };
  return (
    <fieldset class="broadcast-options" disabled={disabled}>
      <label for="topic-input">Topics</label>
      <div class="chips-input">
        <ul id="topics" class="chips" aria-label="Topics chosen">
          {topics.map((t) => (
            <li key={t} class="chip">
              #{t}
              <button type="button" class="chip-remove" aria-label={`Remove topic ${t}`} onClick={() => options.removeTopic(t)}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <input id="topic-input" placeholder="music, cooking…" autocomplete="off" maxLength={33} aria-describedby="topic-hint" onKeyDown={onTopicKey} onBlur={onTopicBlur} />
      </div>
      <p id="topic-hint" class={options.topicProblem.value ? 'error' : 'hint'} role="status">
        {options.topicProblem.value || 'Up to 5; press Enter after each.'}
      </p>

      <label class="toggle">
        <input id="share-location" type="checkbox" checked={options.shareLocation.value} onChange={(e) => options.setSharing((e.currentTarget as HTMLInputElement).checked)} /> Share my location
      </label>
      {options.shareLocation.value && (
        <>
          <label for="location-precision">Precision</label>
          <select id="location-precision" value={options.precision.value} onChange={(e) => (options.precision.value = (e.currentTarget as HTMLSelectElement).value as never)}>
            {PRECISIONS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </>
      )}
      <p id="location-status" class="hint" role="status">
        {options.locationStatus.value}
      </p>

      <label for="visibility">Who may watch</label>
      <select id="visibility" value={options.visibility.value} onChange={(e) => (options.visibility.value = (e.currentTarget as HTMLSelectElement).value as Visibility)}>
        <option value="public">Everyone</option>
        <option value="followers">My followers</option>
        {options.circles.value.map((c) => (
          <option key={c.id} value={`circle:${c.id}`}>
            Circle: {c.name} ({c.memberCount})
          </option>
        ))}
      </select>
    </fieldset>
  );
}
