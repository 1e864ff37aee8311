// What "the video plays" means in the end-to-end tests: decoded frames, and more of them later;
// and what "the picture stops" means.

type FramesPage = { evaluate(expression: string): Promise<unknown> };

/** Frames decode on the page, and more of them later (a frozen picture would stay put). */
export async function expectGrowingFrames(page: FramesPage): Promise<void> {
  const framesDecoded = () => page.evaluate('window.onair.framesDecoded()') as Promise<number>;
  const first = await framesDecodedAbove(framesDecoded, 0);
  expect(first).toBeGreaterThan(0);
  expect(await framesDecodedAbove(framesDecoded, first)).toBeGreaterThan(first);
}

/** Polls the decoded-frame count until it passes `floor` (30 s at most); the last count read. */
async function framesDecodedAbove(framesDecoded: () => Promise<number>, floor: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let frames = await framesDecoded();
  while (frames <= floor && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    frames = await framesDecoded();
  }
  return frames;
}

/**
 * Whether the picture stops within `timeoutMs`: the page's video consumer is closed (the SFU
 * closed it with the Producer: counting its frames throws), or its count stays put over 2 s.
 */
export async function pictureStopsWithin(page: FramesPage, timeoutMs: number): Promise<boolean> {
  const count = () => (page.evaluate('window.onair.framesDecoded()') as Promise<number>).catch(() => 'closed' as const);
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const before = await count();
    if (before === 'closed') return true;
    await new Promise((r) => setTimeout(r, 2000));
    const after = await count();
    if (after === 'closed' || after === before) return true;
  }
  return false;
}
