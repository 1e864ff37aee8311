import type { estypes } from '@elastic/elasticsearch';

type FieldValue = estypes.FieldValue;
import { InvalidCursorError } from './search.errors.js';

/** What each position of a query's sort holds: a number (score, date, distance) or an id. */
export type CursorShape = Array<'number' | 'string'>;

/** The last hit's sort values, for search_after, as an opaque URL-safe string. */
export function encodeCursor(sort: FieldValue[] | undefined): string | null {
  return sort ? Buffer.from(JSON.stringify(sort)).toString('base64url') : null;
}

/**
 * A cursor back into search_after values, refused unless it has exactly the shape this query
 * sorts by: whatever a client sends reaches Elasticsearch only as numbers and short ids.
 */
export function decodeCursor(cursor: string | undefined, shape: CursorShape): FieldValue[] | undefined {
  if (cursor === undefined) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(values) || values.length !== shape.length) throw new InvalidCursorError();
  values.forEach((v, i) => {
    const ok = shape[i] === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v);
    if (!ok) throw new InvalidCursorError();
  });
  return values as FieldValue[];
}
