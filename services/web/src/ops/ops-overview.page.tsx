// /ops: who is live (by viewers or by reports), where, on which SFU nodes, and how loaded the
// nodes are. Refreshed every few seconds while open.
import { useState } from 'preact/hooks';
import type { PageProps } from '../router/routes';
import { LiveBroadcastsTable } from './live-broadcasts-table';
import { LiveMap } from './live-map';
import { OpsConsole } from './ops-console';
import { liveBroadcasts, sfuNodes } from './ops.api';
import { SfuNodesTable } from './sfu-nodes-table';
import { useHandles } from './use-handles';
import { Failure } from './failure';
import { usePolled } from './use-polled';

const REFRESH_MS = 5_000;

export default function OpsOverviewPage(_props: PageProps) {
  return (
    <OpsConsole heading="Overview">
      <Overview />
    </OpsConsole>
  );
}

function Overview() {
  const [sort, setSort] = useState<'viewers' | 'reports'>('viewers');
  const live = usePolled(() => liveBroadcasts(sort), [sort], REFRESH_MS);
  const nodes = usePolled(sfuNodes, [], REFRESH_MS);
  const handles = useHandles((live.value ?? []).map((b) => b.ownerId));
  return (
    <div class="ops-overview">
      <section aria-labelledby="ops-live-heading">
        <div class="ops-section-head">
          <h2 id="ops-live-heading">Live broadcasts</h2>
          <div class="ops-toggle" role="group" aria-label="Sort by">
            {(['viewers', 'reports'] as const).map((by) => (
              <button key={by} id={`ops-sort-${by}`} type="button" class="chip" aria-pressed={sort === by} onClick={() => setSort(by)}>
                Most {by}
              </button>
            ))}
          </div>
        </div>
        <Failure id="ops-live-error" failure={live.failure} />
        {live.value ? <LiveBroadcastsTable broadcasts={live.value} handles={handles} /> : !live.failure && <p role="status">Loading…</p>}
      </section>
      <section aria-labelledby="ops-map-heading">
        <h2 id="ops-map-heading">On the map</h2>
        <LiveMap broadcasts={live.value ?? []} handles={handles} />
      </section>
      <section aria-labelledby="ops-nodes-heading">
        <h2 id="ops-nodes-heading">SFU nodes</h2>
        <Failure id="ops-nodes-error" failure={nodes.failure} />
        {nodes.value ? <SfuNodesTable nodes={nodes.value} /> : !nodes.failure && <p role="status">Loading…</p>}
      </section>
    </div>
  );
}
