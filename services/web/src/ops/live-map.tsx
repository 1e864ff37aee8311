// The live broadcasts that have a place, on the world map the /map page uses (its markers are
// placed from ops' list here, not from discovery's clusters: the console sees every visibility).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MapAnswer } from '../discover/discovery.api';
import { apiZoom, resized, worldView, type Viewport } from '../map/map-viewport';
import { WorldMap } from '../map/world-map';
import { navigate } from '../router/router';
import type { LiveBroadcast } from './ops.api';
import '../map/map.css';

export function LiveMap({ broadcasts, handles }: { broadcasts: LiveBroadcast[]; handles: Record<string, string> }) {
  const frame = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<Viewport>();
  // As on /map: the frame's size (CSS) decides the map's.
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const measure = () => {
      const width = Math.round(el.clientWidth);
      const height = Math.round(el.clientHeight);
      if (width > 0 && height > 0) setView((v) => (v ? resized(v, width, height) : worldView(width, height)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
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
