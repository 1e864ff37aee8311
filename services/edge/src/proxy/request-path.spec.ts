import { malformedPathReason, pathOf } from './request-path.js';

describe('request targets', () => {
  it.each([
    '/v1/accounts',
    '/v1/accounts/',
    '/v1/accounts/me?x=../../y',
    '/v1/users/ann%20lee',
    '/v1/users/%C3%A9',
    '/v1/things/a.b/..c/...',
    '/',
  ])('accepts %s', (target) => {
    expect(malformedPathReason(target)).toBeUndefined();
  });

  it.each([
    ['dot segments', '/v1/accounts/../admin'],
    ['a trailing ..', '/v1/accounts/..'],
    ['a . segment', '/v1/./accounts'],
    ['encoded dots', '/v1/accounts/%2e%2E/admin'],
    ['half-encoded dots', '/v1/accounts/.%2e/admin'],
    ['an encoded slash', '/v1/accounts/..%2Fadmin'],
    ['an encoded backslash', '/v1/accounts/a%5Cb'],
    ['a backslash', '/v1/accounts\\..\\admin'],
    ['NUL', '/v1/accounts/a%00'],
    ['broken percent-encoding', '/v1/accounts/%zz'],
    ['a protocol-relative path', '//evil.example/v1/accounts'],
    ['absolute-form', 'http://evil.example/v1/accounts'],
    ['asterisk-form', '*'],
    ['an empty target', ''],
  ])('refuses %s', (_what, target) => {
    expect(malformedPathReason(target)).toEqual(expect.any(String));
  });

  it('separates the path from the query', () => {
    expect(pathOf('/a/b?c=d?e')).toBe('/a/b');
    expect(pathOf('/a/b')).toBe('/a/b');
  });
});
