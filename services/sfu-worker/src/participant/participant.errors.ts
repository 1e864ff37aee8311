import { DomainError } from '@onair/errors';

/** A viewer asked to produce, or a publisher to consume: the ticket's role forbids it. */
export class ForbiddenRoleError extends DomainError {
  readonly code = 'SFU.FORBIDDEN_ROLE';
  readonly kind = 'forbidden' as const;
  constructor(role: string, action: string) {
    super(`a ${role} may not ${action}`, { role, action });
  }
}

export class TransportNotFoundError extends DomainError {
  readonly code = 'SFU.TRANSPORT_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor(transportId: string) {
    super(`no transport ${transportId} of this participant`, { transportId });
  }
}

export class TransportExistsError extends DomainError {
  readonly code = 'SFU.TRANSPORT_EXISTS';
  readonly kind = 'conflict' as const;
  constructor(direction: string) {
    super(`this participant already has a ${direction} transport; use restartIce to recover it`, { direction });
  }
}

export class WrongTransportDirectionError extends DomainError {
  readonly code = 'SFU.WRONG_TRANSPORT_DIRECTION';
  readonly kind = 'invalid' as const;
  constructor(transportId: string, needed: string) {
    super(`transport ${transportId} is not a ${needed} transport`, { transportId, needed });
  }
}

export class ConsumerNotFoundError extends DomainError {
  readonly code = 'SFU.CONSUMER_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor(consumerId: string) {
    super(`no consumer ${consumerId} of this participant`, { consumerId });
  }
}

export class ProducerExistsError extends DomainError {
  readonly code = 'SFU.PRODUCER_EXISTS';
  readonly kind = 'conflict' as const;
  constructor(kind: string) {
    super(`this publisher already sends ${kind}`, { kind });
  }
}

export class CannotConsumeError extends DomainError {
  readonly code = 'SFU.CANNOT_CONSUME';
  readonly kind = 'invalid' as const;
  constructor(producerId: string) {
    super(`the given rtpCapabilities cannot receive producer ${producerId}`, { producerId });
  }
}

/**
 * What the client sent cannot be taken: mediasoup refused it, or a publisher's rtpParameters
 * are outside what this SFU accepts (`details.fields` names them).
 */
export class MediaParametersRejectedError extends DomainError {
  readonly code = 'SFU.INVALID_MEDIA_PARAMETERS';
  readonly kind = 'invalid' as const;
  constructor(reason: string, fields?: Array<{ field: string; issue: string }>) {
    super(reason, fields ? { fields } : undefined);
  }
}

/** A viewer consumes each producer once: a second Consumer of it would only cost the node. */
export class AlreadyConsumingError extends DomainError {
  readonly code = 'SFU.ALREADY_CONSUMING';
  readonly kind = 'conflict' as const;
  constructor(producerId: string, consumerId: string | undefined) {
    super(`this viewer already consumes producer ${producerId}`, { producerId, ...(consumerId ? { consumerId } : {}) });
  }
}
