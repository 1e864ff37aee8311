export type Brand<T, B extends string> = T & { readonly __brand: B };

/** A broadcast (stream-sessions' id); this node hosts at most one Room per broadcast. */
export type BroadcastId = Brand<string, 'BroadcastId'>;
/** An SFU node, as named in media tickets and load reports. */
export type NodeId = Brand<string, 'NodeId'>;
/** One signalling connection's participant (not the account: an account may join twice). */
export type ParticipantId = Brand<string, 'ParticipantId'>;
