import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { decodeCursor, encodeCursor, type KeysetPosition } from './keyset-cursor.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `?cursor=&limit=` of every list; strict, so a misspelt parameter is an error. */
export const PageQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export interface PageRequest {
  after?: KeysetPosition;
  limit: number;
}

export interface Page<T> {
  items: T[];
  /** null on the last page. */
  nextCursor: string | null;
}

export function pageRequest(query: PageQuery): PageRequest {
  return { after: query.cursor === undefined ? undefined : decodeCursor(query.cursor), limit: query.limit };
}

/**
 * Rows fetched with `LIMIT limit + 1`: the extra row only says that another page exists, so
 * the last page never ends with a cursor to an empty one.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  position: (row: R) => KeysetPosition,
  view: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return {
    items: items.map(view),
    nextCursor: more ? encodeCursor(position(items[items.length - 1])) : null,
  };
}

/** SQL fragments for a newest-first keyset walk over (time column, id column). */
export function keysetSql(timeColumn: string, idColumn: string, firstParam: number) {
  return {
    micros: `(extract(epoch FROM ${timeColumn}) * 1000000)::bigint::text AS micros`,
    after: `(${timeColumn}, ${idColumn}) < (timestamptz 'epoch' + $${firstParam}::bigint * interval '1 microsecond', $${firstParam + 1}::uuid)`,
    order: `ORDER BY ${timeColumn} DESC, ${idColumn} DESC`,
  };
}

/** OpenAPI for `?cursor=&limit=`. */
export const ApiPageQuery = () =>
  applyDecorators(
    ApiQuery({
      name: 'cursor',
      required: false,
      schema: { type: 'string' },
      description: 'nextCursor of the previous page',
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
    }),
  );
