import { DomainError } from '@onair/errors';

export class RoomFullError extends DomainError {
  readonly code = 'SFU.ROOM_FULL';
  readonly kind = 'unavailable' as const;
  constructor(maxConsumers: number) {
    super(`this broadcast's router carries its maximum of ${maxConsumers} consumers`, { maxConsumers });
  }
}

export class BroadcastEndedError extends DomainError {
  readonly code = 'SFU.BROADCAST_ENDED';
  readonly kind = 'gone' as const;
  constructor(broadcastId: string) {
    super(`broadcast ${broadcastId} has ended`, { broadcastId });
  }
}

export class ProducerNotFoundError extends DomainError {
  readonly code = 'SFU.PRODUCER_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor(producerId: string) {
    super(`no producer ${producerId} in this broadcast`, { producerId });
  }
}

export class RelaysFullError extends DomainError {
  readonly code = 'SFU.RELAYS_FULL';
  readonly kind = 'unavailable' as const;
  constructor(maxRelays: number) {
    super(`this broadcast's router feeds its maximum of ${maxRelays} relaying nodes`, { maxRelays });
  }
}
