// How a node is told to start draining: a signal, not an HTTP endpoint. With hostNetwork the
// HTTP port is the node's, reachable from the internet; a signal reaches the service only from
// inside its container (the preStop hook, start-draining.ts) or from its own host.

/** Starts draining; the process goes on until SIGTERM (then it exits once the drain ends). */
export const DRAIN_SIGNAL = 'SIGUSR2';

export interface DrainSignal {
  /**
   * Nest's enableShutdownHooks() (libs/http) counts SIGUSR2 among the signals that close the app:
   * call this once the app is created, so the signal drains the node instead of ending it.
   */
  takeFromNest(): void;
  /** How to drain, once the node is up; a signal that came earlier is acted on now. */
  drainWith(startDraining: () => Promise<void>): void;
}

/**
 * Listens for DRAIN_SIGNAL from the start of main: with no listener, SIGUSR2 would end the process
 * (its default action), and the preStop hook may signal a node that is still starting.
 */
export function listenForDrainSignal(): DrainSignal {
  let requested = false;
  let start: (() => Promise<void>) | undefined;
  const onSignal = () => {
    requested = true;
    void start?.();
  };
  process.on(DRAIN_SIGNAL, onSignal);
  return {
    takeFromNest() {
      for (const listener of process.listeners(DRAIN_SIGNAL)) if (listener !== onSignal) process.off(DRAIN_SIGNAL, listener);
    },
    drainWith(startDraining) {
      start = startDraining;
      if (requested) void start();
    },
  };
}
