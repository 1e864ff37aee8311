import type { Route } from '../config.js';
import { RouteTable } from './route-table.js';

const route = (prefix: string, origin: string): Route => ({ prefix, target: new URL(origin) });

describe('RouteTable', () => {
  const table = new RouteTable([
    route('/v1/things', 'http://a:1'),
    route('/v1/things/special', 'http://b:1'),
    route('/.well-known/jwks.json', 'http://id:1'),
  ]);
  const owner = (path: string) => table.match(path)?.target.hostname;

  it.each([
    ['/v1/things', 'a'],
    ['/v1/things/', 'a'],
    ['/v1/things/1', 'a'],
    ['/v1/things/special', 'b'],
    ['/v1/things/special/1', 'b'],
    ['/v1/things/specialist', 'a'],
    ['/.well-known/jwks.json', 'id'],
    ['/v1/thingsx', undefined],
    ['/V1/things', undefined],
    ['/', undefined],
  ])('%s goes to %s', (path, expected) => {
    expect(owner(path)).toBe(expected);
  });

  it("never routes the edge's own paths, even under a catch-all", () => {
    const catchAll = new RouteTable([route('/', 'http://web:1')]);
    expect(catchAll.match('/anything/at/all')?.target.hostname).toBe('web');
    for (const own of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/openapi.yaml', '/openapi/identity.json', '/docs', '/docs/swagger-ui.css', '/DOCS']) {
      expect(catchAll.match(own)).toBeUndefined();
    }
  });
});
