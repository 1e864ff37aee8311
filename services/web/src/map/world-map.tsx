// The world map itself: the land outline, the clusters and the broadcasts of discovery's
// answer for the view. Drag or arrow keys pan, the wheel, two fingers or +/- zoom. Markers are placed in
// screen pixels (they keep their size at every zoom); the outline is scaled by a transform.
import { useRef } from 'preact/hooks';
import type { MapAnswer, MapCluster, MapMarker } from '../discover/discovery.api';
import { apiZoom, panBy, pinched, toScreen, worldTransform, zoomAround, type ScreenPoint, type Viewport } from './map-viewport';
import { LAND_PATH } from './world-outline';

interface WorldMapProps {
  view: Viewport;
  onView: (next: Viewport) => void;
  answer?: MapAnswer;
  busy: boolean;
  onOpen: (broadcastId: string) => void;
  onCluster: (cluster: MapCluster) => void;
}

/** A pointer that moved further than this between down and up dragged: its click opens nothing. */
const DRAG_SLOP_PX = 5;

/** Clusters grow with the log of their count: 2 and 2,000 both stay readable. */
export const clusterRadius = (count: number) => Math.round(12 + 4 * Math.log2(count));

/** Singles: discovery's broadcasts from zoom 14 on, and clusters of one below it. */
export function singlesOf(answer: MapAnswer | undefined): MapMarker[] {
  return [...(answer?.broadcasts ?? []), ...(answer?.clusters ?? []).filter((c) => c.count === 1).map((c) => c.top)];
}

// SVG attributes are set as written (no HTML lowercasing): `tabindex`, not `tabIndex`.
export function WorldMap({ view, onView, answer, busy, onOpen, onCluster }: WorldMapProps) {
  const drag = useRef<{ x: number; y: number; moved: number; pointer: number } | undefined>(undefined);
  const dragged = useRef(false);
  /** Fingers on the map now, where each was last (map coordinates): two of them pinch. */
  const fingers = useRef(new Map<number, ScreenPoint>());
  // Several moves can arrive before the next render: each builds on the one before it.
  const latest = useRef(view);
  latest.current = view;
  const moveTo = (next: Viewport) => {
    latest.current = next;
    onView(next);
  };

  const at = (e: PointerEvent): ScreenPoint => {
    const box = (e.currentTarget as Element).getBoundingClientRect();
    return [e.clientX - box.left, e.clientY - box.top];
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType === 'touch') fingers.current.set(e.pointerId, at(e));
    if (fingers.current.size === 2) {
      // A second finger: a pinch, not a drag (and no click on what the first one touched).
      drag.current = undefined;
      dragged.current = true;
      for (const id of fingers.current.keys()) (e.currentTarget as Element).setPointerCapture(id);
      return;
    }
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, moved: 0, pointer: e.pointerId };
    dragged.current = false;
  };
  const onPointerMove = (e: PointerEvent) => {
    const pinch = [...fingers.current.entries()];
    if (pinch.length === 2 && fingers.current.has(e.pointerId)) {
      const before = [pinch[0][1], pinch[1][1]] as const;
      fingers.current.set(e.pointerId, at(e));
      moveTo(pinched(latest.current, before, [fingers.current.get(pinch[0][0])!, fingers.current.get(pinch[1][0])!]));
      return;
    }
    if (fingers.current.has(e.pointerId)) fingers.current.set(e.pointerId, at(e));
    const d = drag.current;
    if (!d || d.pointer !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    d.moved += Math.abs(dx) + Math.abs(dy);
    // Capture only once it is a drag: capturing at once would take the click from the marker.
    if (d.moved > DRAG_SLOP_PX && !dragged.current) {
      dragged.current = true;
      (e.currentTarget as Element).setPointerCapture(e.pointerId);
    }
    if (!dragged.current) return;
    d.x = e.clientX;
    d.y = e.clientY;
    moveTo(panBy(latest.current, dx, dy));
  };
  const onPointerUp = (e: PointerEvent) => {
    fingers.current.delete(e.pointerId);
    drag.current = undefined;
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const box = (e.currentTarget as Element).getBoundingClientRect();
    // A mouse wheel notch is about 100 px: half a zoom level; trackpads send many small deltas.
    const dz = Math.max(-1, Math.min(1, -e.deltaY / 200));
    moveTo(zoomAround(latest.current, dz, e.clientX - box.left, e.clientY - box.top));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = Math.min(view.width, view.height) / 4;
    const moves: Record<string, () => Viewport> = {
      ArrowLeft: () => panBy(view, step, 0),
      ArrowRight: () => panBy(view, -step, 0),
      ArrowUp: () => panBy(view, 0, step),
      ArrowDown: () => panBy(view, 0, -step),
      '+': () => zoomAround(view, 1),
      '=': () => zoomAround(view, 1),
      '-': () => zoomAround(view, -1),
    };
    const move = moves[e.key];
    if (!move || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    onView(move());
  };
  /** A click that ended a drag is not a click on what the pointer ended over. */
  const unlessDragged = (e: Event, act: () => void) => {
    e.preventDefault();
    if (!dragged.current) act();
  };
  const activate = (e: KeyboardEvent, act: () => void) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    e.stopPropagation();
    act();
  };

  const clusters = (answer?.clusters ?? []).filter((c) => c.count > 1);
  const singles = singlesOf(answer);
  return (
    <svg
      id="world-map"
      class="world-map"
      width={view.width}
      height={view.height}
      viewBox={`0 0 ${view.width} ${view.height}`}
      role="application"
      aria-roledescription="map"
      aria-label="World map of live broadcasts. Arrow keys move the map, plus and minus zoom."
      aria-busy={busy}
      data-zoom={answer?.zoom ?? apiZoom(view)}
      tabindex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onWheel={onWheel}
      onKeyDown={onKeyDown}
    >
      <rect class="sea" width={view.width} height={view.height} />
      <g transform={worldTransform(view)}>
        <path class="land" d={LAND_PATH} vector-effect="non-scaling-stroke" />
      </g>
      {clusters.map((c) => {
        const [x, y] = toScreen(view, c.lon, c.lat);
        const open = () => onCluster(c);
        return (
          <g
            key={c.key}
            class="map-cluster"
            transform={`translate(${x} ${y})`}
            role="button"
            tabindex={0}
            data-count={c.count}
            aria-label={`${c.count} broadcasts here, the most watched “${c.top.title || 'Untitled'}”. Zoom in`}
            onClick={(e) => unlessDragged(e, open)}
            onKeyDown={(e) => activate(e, open)}
          >
            <circle r={clusterRadius(c.count)} />
            <text text-anchor="middle" dominant-baseline="central" aria-hidden="true">
              {c.count}
            </text>
          </g>
        );
      })}
      {singles.map((b) => {
        const [x, y] = toScreen(view, b.lon, b.lat);
        return (
          <a
            key={b.id}
            class="map-marker"
            href={`/watch/${b.id}`}
            data-broadcast-id={b.id}
            aria-label={`${b.title || 'Untitled broadcast'}, live. Watch`}
            onClick={(e) => unlessDragged(e, () => onOpen(b.id))}
          >
            <title>{b.title || 'Untitled broadcast'}</title>
            <circle cx={x} cy={y} r={8} />
          </a>
        );
      })}
    </svg>
  );
}
