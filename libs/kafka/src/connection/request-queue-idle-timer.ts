/**
 * kafkajs 2.2.4's per-connection RequestQueue re-arms its "check pending requests" timer after
 * every check, even with nothing queued: the delay is then `throttledUntil - now`, negative, which
 * Node clamps to 1 ms. Every broker connection so wakes its process about a thousand times a second
 * for as long as it is open (tulios/kafkajs#1556 and #1704, open upstream; Node 24's
 * TimeoutNegativeWarning is the same timer). Idle, each service spent 2–4 % of a core on it, and on
 * an SFU node that is CPU taken from the mediasoup worker beside it.
 *
 * A check only ever has work when requests are queued (held back by a throttle or by the in-flight
 * limit). A request pushed later either goes out at once or queues and schedules a check itself,
 * and a fulfilled request checks the queue: so nothing queued, no timer.
 */

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** How soon a queue held back only by the in-flight limit is looked at again (kafkajs's own 10 ms). */
const HELD_BACK_RECHECK_MS = 10;

function scheduleCheckWhileQueued(this: RequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : HELD_BACK_RECHECK_MS,
  );
}

const requestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };
if (typeof requestQueue.prototype.scheduleCheckPendingRequests !== 'function') {
  throw new Error('kafkajs has no RequestQueue.scheduleCheckPendingRequests: re-check the idle-timer fix against this kafkajs version');
}
requestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckWhileQueued;
