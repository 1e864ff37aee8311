import { DomainError } from '@onair/errors';

export class PipeExistsError extends DomainError {
  readonly code = 'SFU.PIPE_EXISTS';
  readonly kind = 'conflict' as const;
  constructor() {
    super('this relay already has its PipeTransport');
  }
}

/** A relay connection without this cluster's relay secret (or to a node that relays nothing). */
export class RelayNotAllowedError extends DomainError {
  readonly code = 'SFU.RELAY_NOT_ALLOWED';
  readonly kind = 'unauthenticated' as const;
  constructor() {
    super('relaying needs the SFU nodes\' shared relay secret');
  }
}

/** This node could not pull the broadcast from its origin node; a new ticket may place the viewer elsewhere. */
export class RelayUnavailableError extends DomainError {
  readonly code = 'SFU.RELAY_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
  constructor(originNodeId: string, reason: string) {
    super(`could not relay the broadcast from node ${originNodeId}: ${reason}`, { originNodeId });
  }
}

/** A relay asked for a broadcast this node does not host (its publisher is not here). */
export class RelayNotHostedError extends DomainError {
  readonly code = 'SFU.BROADCAST_NOT_HOSTED';
  readonly kind = 'not_found' as const;
  constructor(broadcastId: string) {
    super(`broadcast ${broadcastId} is not hosted on this node`, { broadcastId });
  }
}
