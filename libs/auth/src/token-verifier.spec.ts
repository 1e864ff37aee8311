import { generateKeyPair, SignJWT } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, hasRole } from './access-token.js';
import { TokenVerifier } from './token-verifier.js';

describe('roles in access tokens', () => {
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA');
    verifier = new TokenVerifier(async () => publicKey);
    sign = (claims) =>
      new SignJWT({ handle: 'ann', sid: 'session-1', ...claims })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject('account-1')
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(privateKey);
  });

  it.each([
    ['no roles claim (a plain user)', {}, []],
    ['an empty list', { roles: [] }, []],
    ['the known roles', { roles: ['operator', 'admin'] }, ['operator', 'admin']],
    ['unknown roles and non-strings, dropped', { roles: ['admin', 'superuser', 7, null, { role: 'admin' }, 'Admin'] }, ['admin']],
    ['a role twice, kept once', { roles: ['operator', 'operator'] }, ['operator']],
    ['a string instead of a list', { roles: 'admin' }, []],
    ['an object instead of a list', { roles: { admin: true } }, []],
  ])('reads %s', async (_what, claims, roles) => {
    expect(await verifier.verify(await sign(claims))).toEqual({ accountId: 'account-1', handle: 'ann', sessionId: 'session-1', roles });
  });

  it('counts an admin as an operator, never an operator as an admin', () => {
    expect([hasRole({ roles: ['admin'] }, 'operator'), hasRole({ roles: ['admin'] }, 'admin')]).toEqual([true, true]);
    expect([hasRole({ roles: ['operator'] }, 'operator'), hasRole({ roles: ['operator'] }, 'admin')]).toEqual([true, false]);
    expect([hasRole({ roles: [] }, 'operator'), hasRole({ roles: [] }, 'admin')]).toEqual([false, false]);
  });
});
