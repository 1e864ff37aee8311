import { z } from 'zod';
import { AccountIdSchema, type AccountId } from '../accounts/account-id.js';

const DEFAULT_STREAM_PAGE = 5000;
const MAX_STREAM_PAGE = 10_000;

/** `page_size` of a gRPC stream of ids: 1 to 10000, 0 (the proto default) meaning 5000. */
export const StreamPageSizeSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_STREAM_PAGE)
  .transform((n) => n || DEFAULT_STREAM_PAGE);

/** `start_after` of a gRPC stream of account ids: an account id, or '' (the proto default) for none. */
export const StartAfterSchema = z
  .union([z.literal(''), AccountIdSchema])
  .optional()
  .transform((id): AccountId | undefined => id || undefined);

/**
 * Reads up to `pageSize` ids strictly after `after` (from the first when undefined), ascending.
 */
export type IdPageRead = (after: string | undefined, pageSize: number) => Promise<string[]>;

/**
 * Walks ids in ascending order, one keyset read per page starting where the last one ended:
 * each read is an index range scan, so page 200 costs what page 1 costs (OFFSET would rescan
 * every earlier row). No transaction spans the pages: a slow caller holds no snapshot and no
 * connection between them. Yields pages of `pageSize` ids, the last one shorter and never
 * empty. The next page is already being read while the caller sends the current one, so the
 * database and the network overlap.
 */
export async function* idPages(read: IdPageRead, pageSize: number, startAfter?: string): AsyncGenerator<string[]> {
  let next = read(startAfter, pageSize);
  for (;;) {
    const ids = await next;
    if (ids.length < pageSize) {
      if (ids.length > 0) yield ids;
      return;
    }
    next = read(ids[ids.length - 1], pageSize);
    // If the caller stops early, nobody awaits the read-ahead: its failure must not surface.
    next.catch(() => undefined);
    yield ids;
  }
}
