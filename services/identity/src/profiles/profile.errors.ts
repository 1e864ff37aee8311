import { DomainError } from '@onair/errors';

export class UserNotFoundError extends DomainError {
  readonly code = 'IDENTITY.USER_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor(handle: string) {
    super(`no user @${handle}`);
  }
}

export class AvatarNotFoundError extends DomainError {
  readonly code = 'IDENTITY.AVATAR_NOT_FOUND';
  readonly kind = 'not_found' as const;
  constructor() {
    super('this user has no avatar');
  }
}

export class AvatarTypeError extends DomainError {
  readonly code = 'IDENTITY.AVATAR_UNSUPPORTED_TYPE';
  readonly kind = 'invalid' as const;
  constructor(accepted: string[]) {
    super(`the avatar must be one of ${accepted.join(', ')}, and the Content-Type must match the image`, { accepted });
  }
}
