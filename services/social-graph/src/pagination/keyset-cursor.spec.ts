import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import { InvalidCursorError } from './pagination.errors.js';

describe('keyset cursor', () => {
  const position = { micros: '1763856000123456', id: '5d9c0f3e-2a43-4f8e-9a4b-0c1d2e3f4a5b' };

  it('round-trips a position through an opaque url-safe string', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['empty', ''],
    ['another version', Buffer.from(`k0:1:${position.id}`).toString('base64url')],
    ['a non-numeric time', Buffer.from(`k1:12a:${position.id}`).toString('base64url')],
    ['a malformed id', Buffer.from('k1:12:abc').toString('base64url')],
    ['SQL in the id', Buffer.from(`k1:12:${position.id}' OR 1=1`).toString('base64url')],
    ['extra parts', Buffer.from(`k1:12:${position.id}:x`).toString('base64url')],
  ])('refuses %s with SOCIAL_GRAPH.INVALID_CURSOR', (_what, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });
});
