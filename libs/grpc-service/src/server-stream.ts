import type { ServerWritableStream } from '@grpc/grpc-js';

/**
 * Writes one message per page to a server stream, reading the next page only when the call has
 * room, and stops (closing `pages`) when the client goes away. A handler that returned an
 * Observable instead would let Nest subscribe and buffer every page while a slow client reads.
 */
export async function writeStream<R, P, M>(
  call: ServerWritableStream<R, M>,
  pages: AsyncIterable<P>,
  toMessage: (page: P) => M,
): Promise<void> {
  for await (const page of pages) {
    if (call.cancelled) return;
    if (!call.write(toMessage(page))) await writable(call);
  }
}

/** Resolves when the call drains its buffer, or when the client goes away. */
function writable<R, M>(call: ServerWritableStream<R, M>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
