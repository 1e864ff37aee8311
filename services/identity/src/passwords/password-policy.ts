import { ValidationFailedError } from '@onair/errors';
import commonPasswords = require('fxa-common-password-list');

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

/** Refuses passwords found in Mozilla's list of common passwords (fxa-common-password-list). */
export function assertPasswordAcceptable(password: string, field = 'password'): void {
  if (commonPasswords.test(password) || commonPasswords.test(password.toLowerCase())) {
    throw new ValidationFailedError([{ field, issue: 'this password is too common' }]);
  }
}
