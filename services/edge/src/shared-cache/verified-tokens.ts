import { bearerToken, remoteKeys, TokenVerifier } from '@onair/auth';
import { decodeJwt } from 'jose';

/** Long enough that a viewer polling every 2 s costs one signature check a minute. */
const REMEMBER_MS = 60_000;

/**
 * Access tokens the edge has checked against identity's keys (signature, issuer, audience,
 * expiry), remembered for a minute at most and never past their expiry, so a cached answer
 * costs no signature check per request. The edge keeps no list of signed-out sessions: a
 * token stays good here until it expires, as it would be at a CDN. Refused tokens are not
 * remembered; their requests go to the upstream, which answers them.
 */
export class VerifiedTokens {
  private readonly verifier: TokenVerifier;
  private readonly known = new Map<string, number>();
  private readonly checking = new Map<string, Promise<boolean>>();

  constructor(
    jwksUrl: URL,
    private readonly maxEntries = 100_000,
  ) {
    this.verifier = new TokenVerifier(remoteKeys(jwksUrl.href));
  }

  /** Whether the Authorization header holds a valid access token. */
  async isValid(authorization: string | string[] | undefined, now = Date.now()): Promise<boolean> {
    let token: string;
    try {
      token = bearerToken(authorization);
    } catch {
      return false;
    }
    const until = this.known.get(token);
    if (until !== undefined && until > now) return true;
    this.known.delete(token);
    const inFlight = this.checking.get(token);
    if (inFlight) return inFlight;
    const check = this.verify(token, now).finally(() => this.checking.delete(token));
    this.checking.set(token, check);
    return check;
  }

  private async verify(token: string, now: number): Promise<boolean> {
    try {
      await this.verifier.verify(token);
    } catch {
      return false;
    }
    const { exp } = decodeJwt(token);
    this.known.set(token, Math.min(now + REMEMBER_MS, (exp ?? 0) * 1000));
    // Map order is insertion order: the oldest checks go first.
    for (const oldest of this.known.keys()) {
      if (this.known.size <= this.maxEntries) break;
      this.known.delete(oldest);
    }
    return true;
  }
}
