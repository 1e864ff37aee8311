// The broadcast as its viewers see it, on the detail page: the watch page's own Viewer (an
// operator's ticket is admitted to any live broadcast), muted, without chat or hearts.
import { useEffect, useMemo } from 'preact/hooks';
import { clearPageMarks } from '../app/page-marks';
import { Viewer } from '../watch/viewer';

export function WatchPreview({ broadcastId }: { broadcastId: string }) {
  const viewer = useMemo(() => new Viewer(broadcastId), []);
  useEffect(() => {
    void viewer.watch();
    return () => {
      viewer.leave();
      clearPageMarks();
    };
  }, []);
  const state = viewer.state.value;
  return (
    <div class="ops-preview" data-preview-state={state}>
      <div class="video-frame">
        <video id="ops-preview" ref={(v) => viewer.attach(v)} autoplay muted playsInline aria-label="Preview of the broadcast (muted)" />
        {state === 'watching' && <span class="live-badge">Live</span>}
      </div>
      <p id="ops-preview-status" class="hint" role="status">
        Preview: {viewer.status.value}
      </p>
    </div>
  );
}
