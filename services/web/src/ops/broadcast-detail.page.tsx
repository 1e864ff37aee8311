// /ops/broadcasts/:id: one broadcast for an operator: what it is and who runs it, its relay
// tree, a muted preview, the reports about it, and the actions: take it down, dismiss its
// reports, suspend (or lift the suspension of) its owner. Each action asks for a reason.
import { useEffect, useState } from 'preact/hooks';
import { getBroadcast, type Broadcast } from '../broadcasts/broadcasts.api';
import type { PageProps } from '../router/routes';
import { AccountActions } from './account-actions';
import { OpsConsole } from './ops-console';
import { takeDown, watchedBroadcast, type WatchedBroadcast } from './ops.api';
import { ReasonAction } from './reason-action';
import { RelayTree } from './relay-tree';
import { TargetReports } from './target-reports';
import { useHandles, whoIs } from './use-handles';
import { Failure } from './failure';
import { usePolled } from './use-polled';
import { WatchPreview } from './watch-preview';

const REFRESH_MS = 5_000;

export default function BroadcastDetailPage({ params }: PageProps) {
  return (
    <OpsConsole heading="Broadcast">
      <BroadcastDetail broadcastId={params.broadcastId} />
    </OpsConsole>
  );
}

function BroadcastDetail({ broadcastId }: { broadcastId: string }) {
  const [changed, setChanged] = useState(0);
  const info = usePolled(() => watchedBroadcast(broadcastId), [broadcastId, changed], REFRESH_MS);
  // stream-sessions' own view: title and owner even while ops' live view does not answer.
  const [basic, setBasic] = useState<Broadcast>();
  useEffect(() => void getBroadcast(broadcastId).then(setBasic, () => undefined), [broadcastId, changed]);
  const ownerId = info.value?.ownerId ?? basic?.ownerId;
  const handles = useHandles([ownerId]);
  const takenDown = (info.value?.endReason ?? basic?.endReason) === 'taken_down';
  return (
    <div class="ops-detail" data-broadcast-id={broadcastId}>
      <div>
        <h2 id="ops-broadcast-title">{info.value?.title || basic?.title || 'Untitled broadcast'}</h2>
        <WatchPreview broadcastId={broadcastId} />
        <Failure id="ops-broadcast-error" failure={info.failure} />
        <Facts info={info.value} basic={basic} owner={ownerId ? whoIs(handles, ownerId) : undefined} />
        {info.value && (
          <>
            <h3>Relay tree</h3>
            <RelayTree nodes={info.value.nodes} originNodeId={info.value.originNodeId} />
          </>
        )}
      </div>
      <div>
        <ReasonAction
          id="takedown"
          heading="Take it down"
          label="Take down"
          question="Take this broadcast down? It ends for everyone, and its replay is deleted."
          disabled={takenDown}
          act={async (reason) => {
            await takeDown(broadcastId, reason);
            setChanged((c) => c + 1);
            return 'Taken down: it ends for its publisher and viewers within seconds.';
          }}
        />
        <TargetReports targetType="broadcast" targetId={broadcastId} changed={changed} />
        {ownerId && <AccountActions accountId={ownerId} heading={`Its owner, ${whoIs(handles, ownerId)}`} />}
      </div>
    </div>
  );
}

function Facts({ info, basic, owner }: { info?: WatchedBroadcast; basic?: Broadcast; owner?: string }) {
  const state = info?.state ?? basic?.state;
  const endReason = info?.endReason ?? basic?.endReason;
  return (
    <dl class="ops-facts" id="ops-broadcast-facts" data-state={state} data-end-reason={endReason ?? undefined}>
      <dt>State</dt>
      <dd>
        {state ?? '…'}
        {endReason && ` (${endReason === 'taken_down' ? 'taken down' : endReason})`}
      </dd>
      <dt>Owner</dt>
      <dd>{owner ?? '…'}</dd>
      {info && (
        <>
          <dt>Audience</dt>
          <dd>{info.visibility}</dd>
          <dt>Viewers</dt>
          <dd>
            {info.viewersNow} now, {info.viewersPeak} at most; {info.heartsTotal} hearts
          </dd>
          <dt>Reporters</dt>
          <dd>{info.distinctReporters}</dd>
          <dt>Started</dt>
          <dd>{new Date(info.startedAt).toLocaleString()}</dd>
          <dt>Topics</dt>
          <dd>{info.topics.join(', ') || 'none'}</dd>
          {info.location && (
            <>
              <dt>Place</dt>
              <dd>
                {info.location.latitude.toFixed(2)}, {info.location.longitude.toFixed(2)}
              </dd>
            </>
          )}
        </>
      )}
    </dl>
  );
}
