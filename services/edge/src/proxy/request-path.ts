/** The path of a request target, without its query string. */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}

/**
 * Why a request target is refused before routing, or undefined when it is acceptable.
 * Routing compares raw paths, so whatever an upstream could resolve to another path than the
 * one the edge matched is refused: dot segments (also percent-encoded), encoded slashes and
 * backslashes, NUL, broken percent-encoding, and targets that are not an origin-form path.
 */
export function malformedPathReason(target: string): string | undefined {
  // Absolute-form ("http://host/…"), authority-form and "*" are for forward proxies, not us.
  if (!target.startsWith('/')) return 'the request target must be a path starting with /';
  const path = pathOf(target);
  // "//host/x" reads as a protocol-relative URL to many URL parsers downstream.
  if (path.startsWith('//')) return 'the path must not start with //';
  for (const raw of path.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return 'the path has malformed percent-encoding';
    }
    if (segment === '.' || segment === '..') return 'the path must not contain . or .. segments';
    if (/[/\\\0]/.test(segment)) return 'the path must not contain encoded slashes, backslashes or NUL';
  }
  return undefined;
}
