/** The Nest token of the replay store stream-sessions serves and expires replays from. */
export const REPLAY_STORE = Symbol('ReplayStore');
