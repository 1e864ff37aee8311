// /ops/reports: the queue, one row per reported target, the heaviest first (distinct reporters
// plus the guilty votes of chat juries). It refreshes itself, so a target rising is seen rising.
import { useState } from 'preact/hooks';
import { describeError, errorCode } from '../api/error-words';
import { reasonWords } from '../reports/reports.api';
import type { PageProps } from '../router/routes';
import { OpsConsole } from './ops-console';
import { reportQueue, type QueueItem } from './ops.api';
import { targetPath } from './target-path';
import { Failure } from './failure';
import { usePolled } from './use-polled';

const REFRESH_MS = 3_000;

export default function ReportQueuePage(_props: PageProps) {
  return (
    <OpsConsole heading="Report queue">
      <ReportQueue />
    </OpsConsole>
  );
}

function ReportQueue() {
  // Only the first page refreshes; older pages, once asked for, stay as they were.
  const first = usePolled(() => reportQueue(), [], REFRESH_MS);
  const [more, setMore] = useState<{ items: QueueItem[]; nextCursor: string | null }>();
  const [moreFailure, setMoreFailure] = useState<{ words: string; code?: string }>();
  const cursor = more ? more.nextCursor : first.value?.nextCursor;
  const loadMore = () =>
    reportQueue(cursor).then(
      (page) => setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor }),
      (err: unknown) => setMoreFailure({ words: describeError(err), code: errorCode(err) }),
    );
  if (!first.value) return first.failure ? <Failure id="ops-queue-error" failure={first.failure} /> : <p role="status">Loading the queue…</p>;
  const firstIds = new Set(first.value.items.map((i) => `${i.targetType}:${i.targetId}`));
  const items = [...first.value.items, ...(more?.items ?? []).filter((i) => !firstIds.has(`${i.targetType}:${i.targetId}`))];
  return (
    <>
      <Failure id="ops-queue-error" failure={first.failure} />
      {items.length === 0 ? (
        <p class="card" id="ops-queue-empty">
          Nothing is waiting: no open reports.
        </p>
      ) : (
        <ol id="ops-queue" class="ops-queue" aria-label="Reported, most reported first">
          {items.map((item, rank) => (
            <QueueRow key={`${item.targetType}:${item.targetId}`} item={item} rank={rank + 1} />
          ))}
        </ol>
      )}
      {cursor && (
        <p class="actions">
          <button id="ops-queue-more" type="button" onClick={loadMore}>
            More
          </button>
        </p>
      )}
      <Failure failure={moreFailure} />
    </>
  );
}

function QueueRow({ item, rank }: { item: QueueItem; rank: number }) {
  const what = item.targetType === 'message' ? `Chat message${item.message?.authorHandle ? ` by @${item.message.authorHandle}` : ''}` : item.targetType === 'broadcast' ? 'Broadcast' : 'Account';
  return (
    <li
      class="card ops-queue-item"
      data-target-type={item.targetType}
      data-target-id={item.targetId}
      data-rank={rank}
      data-weight={item.weight}
      data-distinct-reporters={item.distinctReporters}
    >
      <a class="ops-queue-open" href={targetPath(item.targetType, item.targetId)}>
        {what} <code>{item.targetId.slice(0, 8)}</code>
      </a>
      <span class="ops-queue-counts">
        <strong>{item.distinctReporters}</strong> {item.distinctReporters === 1 ? 'reporter' : 'reporters'}
        {item.convictingVotes > 0 && ` · ${item.convictingVotes} guilty jury votes`}
      </span>
      <span class="hint">
        {Object.entries(item.reasons)
          .map(([reason, n]) => `${reasonWords(reason)} ×${n}`)
          .join(', ')}
        {item.lastReportedAt && ` · last ${new Date(item.lastReportedAt).toLocaleTimeString()}`}
      </span>
      {item.message?.text && <q class="ops-quote">{item.message.text}</q>}
      {item.latestTexts[0] && <q class="ops-quote">{item.latestTexts[0].text}</q>}
    </li>
  );
}
