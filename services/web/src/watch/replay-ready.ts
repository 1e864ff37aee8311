import { useEffect, useState } from 'preact/hooks';
import { pause } from '../app/timing';
import { getBroadcast } from '../broadcasts/broadcasts.api';

/** How long after the end the page keeps asking: the recording is packaged within seconds. */
const ASK_FOR_MS = 60_000;

/**
 * Whether an ended broadcast's replay can be watched: stream-sessions marks it `replay_ready`
 * once the SFU has stored the recording (`expired` or never recorded: no replay, no link).
 */
export function useReplayReady(broadcastId: string, ended: boolean): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!ended) return;
    let gone = false;
    void (async () => {
      for (const giveUpAt = Date.now() + ASK_FOR_MS; !gone && Date.now() < giveUpAt; await pause(3000)) {
        const state = await getBroadcast(broadcastId).then((b) => b.state, () => undefined);
        if (state === 'replay_ready') return void (gone || setReady(true));
        if (state === 'expired') return;
      }
    })();
    return () => void (gone = true);
  }, [ended]);
  return ready;
}
