// What "the video plays" means in the end-to-end tests: decoded frames, and more of them later.

/** Frames decode on the page, and more of them later (a frozen picture would stay put). */
export async function expectGrowingFrames(page: { evaluate(expression: string): Promise<unknown> }): Promise<void> {
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
