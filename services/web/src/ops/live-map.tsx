// The live broadcasts that have a place, on the world map the /map page uses (its markers are
// placed from ops' list here, not from discovery's clusters: the console sees every visibility).
import { useRef } from 'preact/hooks';
import type { MapAnswer } from '../discover/discovery.api';
import { apiZoom } from '../map/map-viewport';
import { useFrameViewport } from '../map/use-frame-viewport';
import { WorldMap } from '../map/world-map';
import { navigate } from '../router/router';
import type { LiveBroadcast } from './ops.api';
import '../map/map.css';

export function LiveMap({ broadcasts, handles }: { broadcasts: LiveBroadcast[]; handles: Record<string, string> }) {
  const frame = useRef<HTMLDivElement>(null);
  const [view, setView] = useFrameViewport(frame);
  const placed = broadcasts.flatMap((b) => (b.location ? [{ ...b, location: b.location }] : []));
  const answer: MapAnswer | undefined = view && {
    zoom: apiZoom(view),
    clusters: [],
    broadcasts: placed.map((b) => ({
      id: b.broadcastId,
      title: b.title,
      lat: b.location.latitude,
      lon: b.location.longitude,
      viewersNow: b.viewersNow,
      owner: { id: b.ownerId, handle: handles[b.ownerId] ?? null },
    })),
  };
  return (
    <div class="map-frame ops-map" ref={frame} data-placed={placed.length}>
      {view && <WorldMap view={view} onView={setView} answer={answer} busy={false} onOpen={(id) => navigate(`/ops/broadcasts/${id}`)} onCluster={() => undefined} />}
    </div>
  );
}
