import { idPages, StartAfterSchema, StreamPageSizeSchema, type IdPageRead } from './id-pages.js';

const ids = Array.from({ length: 10 }, (_, i) => `id-${String(i).padStart(2, '0')}`);

/** A read over `ids` that records where each read started. */
function reader() {
  const reads: Array<string | undefined> = [];
  const read: IdPageRead = async (after, limit) => {
    reads.push(after);
    return ids.filter((id) => after === undefined || id > after).slice(0, limit);
  };
  return { read, reads };
}

const all = async (pages: AsyncIterable<string[]>) => {
  const out: string[][] = [];
  for await (const page of pages) out.push(page);
  return out;
};

describe('idPages', () => {
  it('walks every id once, each read starting after the last id of the page before', async () => {
    const { read, reads } = reader();
    expect((await all(idPages(read, 4))).map((p) => p.length)).toEqual([4, 4, 2]);
    expect(reads).toEqual([undefined, 'id-03', 'id-07']);
  });

  it('starts strictly after startAfter', async () => {
    const { read } = reader();
    expect((await all(idPages(read, 4, 'id-05'))).flat()).toEqual(['id-06', 'id-07', 'id-08', 'id-09']);
  });

  it('yields no empty page, neither after a full last page nor for nothing at all', async () => {
    expect((await all(idPages(reader().read, 5))).map((p) => p.length)).toEqual([5, 5]);
    expect(await all(idPages(reader().read, 5, 'id-09'))).toEqual([]);
  });

  it('reads ahead one page, and no further once the caller stops', async () => {
    const { read, reads } = reader();
    for await (const page of idPages(read, 2)) {
      expect(page).toEqual(['id-00', 'id-01']);
      break;
    }
    expect(reads).toEqual([undefined, 'id-01']);
  });

  it('does not surface a failed read-ahead the caller never asked for', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let calls = 0;
      const failingSecond: IdPageRead = async () => (++calls === 1 ? ['a', 'b'] : Promise.reject(new Error('db gone')));
      for await (const _page of idPages(failingSecond, 2)) break;
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('stream request fields', () => {
  it('takes 0 as the default page size (5000) and refuses more than 10000', () => {
    expect(StreamPageSizeSchema.parse(0)).toBe(5000);
    expect(StreamPageSizeSchema.parse(10_000)).toBe(10_000);
    expect(StreamPageSizeSchema.safeParse(10_001).success).toBe(false);
  });

  it("takes '' as no start_after, lower-cases an id and refuses anything else", () => {
    expect(StartAfterSchema.parse('')).toBeUndefined();
    expect(StartAfterSchema.parse('5D9C0F3E-2A43-4F8E-9A4B-0C1D2E3F4A5B')).toBe('5d9c0f3e-2a43-4f8e-9a4b-0c1d2e3f4a5b');
    expect(StartAfterSchema.safeParse('not-a-uuid').success).toBe(false);
  });
});
