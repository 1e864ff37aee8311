/** Who issues access tokens and for whom: checked by every verifier. */
export const ACCESS_TOKEN_ISSUER = 'onair-identity';
export const ACCESS_TOKEN_AUDIENCE = 'onair';
/** EdDSA over Ed25519: small keys, fast verification, no parameter choices to get wrong. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

/** The signed-in caller, as every service sees it after verifying the access token. */
export interface AuthenticatedUser {
  accountId: string;
  handle: string;
  /** The sign-in session (device) the token belongs to. */
  sessionId: string;
}
