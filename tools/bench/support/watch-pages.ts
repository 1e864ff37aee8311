// Viewers' watch pages in Chromium, as the benches drive and read them: what a page's
// `window.onair` (services/web/src/watch/viewer.ts) and <body> marks tell.
import type { Browser, Page } from 'playwright-core';
import type { PageGlobals } from '../../../libs/testing/src/chromium.ts';

/**
 * What a function run in a watch page reads there (this file is typed for Node, not the DOM).
 * Each such function names `globalThis` itself: Playwright sends its source alone to the page.
 */
interface WatchPageGlobals extends PageGlobals {
  onair: {
    joins(): number;
    framesDecoded(): Promise<number>;
  };
}

/** A viewer in a fresh browser context (nothing shared with the others), failures of its page collected. */
export async function newViewerPage(browser: Browser, problems: string[]): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  return page;
}

/** Where the page stands: its state, the SFU node it is on, its status line. */
export async function describePage(page: Page): Promise<string> {
  const [state, node, status] = await Promise.all([
    page.evaluate(() => (globalThis as unknown as WatchPageGlobals).document.body.dataset.state),
    page.evaluate(() => (globalThis as unknown as WatchPageGlobals).document.body.dataset.nodeId),
    page.textContent('#status').catch(() => null),
  ]);
  return `${state ?? 'no state'} on ${node ?? 'no node'}: "${status ?? ''}"`;
}

export const joinsOf = (page: Page): Promise<number> => page.evaluate(() => (globalThis as unknown as WatchPageGlobals).onair.joins());

/**
 * When (epoch ms, the machine's clock) the page, having joined again (more joins than
 * `joinsBefore`), decodes its first frame there; null when it has not within `timeoutMs` or its
 * viewer gave up. Polled in the page every 20 ms, the decoder's stats read only once it rejoined.
 */
export function decodingAgainAt(page: Page, joinsBefore: number, timeoutMs: number): Promise<number | null> {
  return page.evaluate(
    async ({ before, timeout }) => {
      const { onair, document } = globalThis as unknown as WatchPageGlobals;
      const deadline = Date.now() + timeout;
      while (Date.now() < deadline && document.body.dataset.state !== 'error') {
        if (onair.joins() > before && (await onair.framesDecoded()) > 0) return Date.now();
        await new Promise((r) => setTimeout(r, 20));
      }
      return null;
    },
    { before: joinsBefore, timeout: timeoutMs },
  );
}

/** Frames decode on the page, and more of them a moment later (a frozen picture would stay put). */
export async function expectGrowingFrames(page: Page, timeoutMs = 20_000): Promise<void> {
  const grew = await page.evaluate(async (timeout) => {
    const { onair } = globalThis as unknown as WatchPageGlobals;
    const deadline = Date.now() + timeout;
    let first = 0;
    while (Date.now() < deadline) {
      const frames = await onair.framesDecoded();
      if (first === 0) first = frames;
      else if (frames > first) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }, timeoutMs);
  if (!grew) throw new Error(`the page decodes no growing frames: ${await describePage(page)}`);
}
