// Why a broadcast ended, as the SFU's broadcastEnded notification and stream-sessions say.

export type EndReason = 'owner' | 'publisher_gone' | 'taken_down' | 'unspecified';

export const TAKEN_DOWN_WORDS = "This broadcast was taken down by OnAir's operators.";

/** A reason from the wire, or undefined when it is none we know. */
export function endReasonOf(value: unknown): EndReason | undefined {
  return value === 'owner' || value === 'publisher_gone' || value === 'taken_down' || value === 'unspecified' ? value : undefined;
}
