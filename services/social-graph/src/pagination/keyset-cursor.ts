import { InvalidCursorError } from './pagination.errors.js';

/**
 * Position after the last item of a newest-first page: the item's timestamp in microseconds
 * since the epoch (PostgreSQL's own precision, so no two distinct times collapse) and its id,
 * which breaks ties between items of the same microsecond.
 */
export interface KeysetPosition {
  micros: string;
  id: string;
}

const VERSION = 'k1';
const MICROS = /^\d{1,17}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: they pass it back as `cursor`, they never build one. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${VERSION}:${position.micros}:${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const [version, micros, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (version !== VERSION || rest.length > 0 || !MICROS.test(micros ?? '') || !UUID.test(id ?? '')) {
    throw new InvalidCursorError();
  }
  return { micros, id };
}
