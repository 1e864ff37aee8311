// /map: live broadcasts on a world map, and the ways to find one beside it. The map asks
// discovery for the markers of what it shows once a move settles (250 ms), not at every step
// of a drag; an answer to an older view than the latest request is dropped.
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../api/error-words';
import { mapMarkers, type MapAnswer, type MapCluster } from '../discover/discovery.api';
import { navigate } from '../router/router';
import type { PageProps } from '../router/routes';
import { session } from '../session/session';
import { SignInForm } from '../session/sign-in-form';
import { BroadcastFinder } from './broadcast-finder';
import { apiZoom, centreOn, visibleBox, zoomAround } from './map-viewport';
import { useFrameViewport } from './use-frame-viewport';
import { InViewList } from './in-view-list';
import { WorldMap } from './world-map';
import './map.css';

const SETTLE_MS = 250;
/** A cluster clicked zooms in this many levels: a cell splits into 64 at the next request. */
const CLUSTER_ZOOM_STEP = 3;
/** Near me centres the map at about a city's width. */
const NEAR_ZOOM = 9;

export default function MapPage(_props: PageProps) {
  return (
    <section class="map-page">
      <h1>World map</h1>
      {session.value ? <MapExplorer /> : <SignInForm heading="Sign in to see who is live around the world" />}
    </section>
  );
}

function MapExplorer() {
  const frame = useRef<HTMLDivElement>(null);
  const [view, setView] = useFrameViewport(frame);
  const [answer, setAnswer] = useState<MapAnswer>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const latest = useRef(0);

  useEffect(() => {
    if (!view) return;
    const request = ++latest.current;
    setBusy(true);
    const timer = setTimeout(() => {
      mapMarkers(visibleBox(view), apiZoom(view)).then(
        (found) => request === latest.current && (setAnswer(found), setFailure(undefined), setBusy(false)),
        (err: unknown) => request === latest.current && (setFailure(describeError(err)), setBusy(false)),
      );
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [view?.cx, view?.cy, view?.z, view?.width, view?.height]);

  const zoomInto = (c: MapCluster) => view && setView(centreOn(view, c.lon, c.lat, Math.floor(view.z) + CLUSTER_ZOOM_STEP));
  const open = (id: string) => navigate(`/watch/${id}`);
  return (
    <div class="map-layout">
      <div class="map-column">
        <div class="map-frame" ref={frame}>
          {view && <WorldMap view={view} onView={setView} answer={answer} busy={busy} onOpen={open} onCluster={zoomInto} />}
          {view && (
            <div class="map-zoom" role="group" aria-label="Zoom">
              <button type="button" id="zoom-in" aria-label="Zoom in" onClick={() => setView(zoomAround(view, 1))}>
                +
              </button>
              <button type="button" id="zoom-out" aria-label="Zoom out" onClick={() => setView(zoomAround(view, -1))}>
                −
              </button>
            </div>
          )}
        </div>
        <p id="map-error" class="error" role="alert">
          {failure}
        </p>
        <InViewList answer={answer} onCluster={zoomInto} />
      </div>
      <BroadcastFinder onPlace={(lon, lat) => view && setView(centreOn(view, lon, lat, NEAR_ZOOM))} />
    </div>
  );
}
