// tools/onair bench join: real Chromium viewers join one live broadcast through the running
// platform (edge → stream-sessions ticket → sfu-worker signalling → WebRTC transport → consume),
// each in a fresh browser context. The broadcaster is a Chromium page too (fake camera, VP8
// simulcast). Two phases:
// - one after another on an otherwise idle platform: the page measures from the ticket request
//   to the first video frame shown (requestVideoFrameCallback);
// - a burst: viewers signed in beforehand all open the watch page at once, measured from each
//   page's first ticket request to its first frame, any ticket retries and refusals included.
// Prints one line:
//   join-first-frame: p50 <a> ms, p95 <b> ms over <n> joins; burst of <m>: p50 <c> ms, p95 <d> ms
// Knobs: BENCH_JOINS (30), BENCH_BURST (30), BENCH_EDGE_URL (http://127.0.0.1:8080).
// needs: platform
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, endOnPage, goLiveOnPage, signInOnPage, type PageGlobals } from '../../libs/testing/src/chromium.ts';
import { p50p95 } from './support/latency-summary.ts';
import { localEnv } from './support/local-env.ts';
import { firstTicketToFirstFrameMs, newViewerPage, signInFirst } from './support/watch-pages.ts';
import { newAccount, type Person } from './support/web-accounts.ts';

const JOINS = Number(process.env.BENCH_JOINS ?? 30);
const BURST = Number(process.env.BENCH_BURST ?? 30);
const EDGE = process.env.BENCH_EDGE_URL ?? 'http://127.0.0.1:8080';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The broadcaster's page, live. */
async function goLive(browser: Browser, broadcaster: Person): Promise<{ studio: Page; broadcastId: string }> {
  const studio = await (await browser.newContext()).newPage();
  return { studio, broadcastId: await goLiveOnPage(studio, EDGE, broadcaster, 'bench join') };
}

/** One viewer: a fresh context (no shared state), sign in, join, first frame; then it leaves. */
async function joinOnce(browser: Browser, broadcastId: string, viewer: Person): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${EDGE}/watch/${broadcastId}`);
    await signInOnPage(page, viewer);
    // A function (evaluated once), not a string (evaluated at each poll, refused by the page's CSP).
    const handle = await page.waitForFunction(() => {
      const inPage = globalThis as unknown as PageGlobals & { onair: { joinToFirstFrameMs(): number | null } };
      return inPage.onair.joinToFirstFrameMs() ?? (inPage.document.body.dataset.state === 'error' ? -1 : null);
    }, undefined, {
      timeout: 20_000,
      polling: 20,
    });
    const ms = (await handle.jsonValue()) as number;
    if (ms < 0 || errors.length > 0) throw new Error(`viewer failed: ${await page.textContent('#status')} ${errors.join('; ')}`);
    return ms;
  } finally {
    await context.close();
  }
}

/**
 * BURST fresh contexts, signed in one after another beforehand (sign-in is not measured), open
 * the watch page at once; each one's time from its first ticket request to its first frame.
 * Each leaves once its first frame is shown, as in the sequential phase (the pages still joining
 * then share the machine's cores with fewer video decoders).
 */
async function joinAtOnce(browser: Browser, broadcastId: string, viewer: Person): Promise<number[]> {
  const problems: string[] = [];
  const pages: Page[] = [];
  /** Consume tickets the pages asked for: more than one a page are retries (in the times). */
  let tickets = 0;
  try {
    for (let i = 0; i < BURST; i++) {
      pages.push(await newViewerPage(browser, problems));
      await signInFirst(pages[i], EDGE, viewer);
      pages[i].on('request', (r) => {
        if (r.url().endsWith('/tickets') && r.postData()?.includes('"consume"')) tickets++;
      });
    }
    log(`${BURST} signed-in viewers open the watch page at once`);
    const times = await Promise.all(
      pages.map(async (page) => {
        await page.goto(`${EDGE}/watch/${broadcastId}`);
        const ms = await firstTicketToFirstFrameMs(page, 30_000);
        await page.context().close();
        return ms;
      }),
    );
    if (problems.length) throw new Error(`page errors in the burst: ${problems.join('; ')}`);
    log(`  burst: ${tickets} consume tickets asked for by ${BURST} pages`);
    return times;
  } finally {
    await Promise.all(pages.map((page) => page.context().close()));
  }
}

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: localEnv('ONAIR_CHROMIUM_BIN'), headless: true, args: CHROMIUM_FLAGS });
  try {
    // One viewer account for every page: a public broadcast admits anyone signed in, alike.
    const [broadcaster, viewer] = [await newAccount(EDGE, 'live'), await newAccount(EDGE, 'view')];
    const { studio, broadcastId } = await goLive(browser, broadcaster);
    log(`broadcast ${broadcastId} is live; ${JOINS} viewers join one after another`);
    // Let the publisher's simulcast layers ramp up, as a broadcast people find would have.
    await sleep(3000);
    const times: number[] = [];
    for (let i = 1; i <= JOINS; i++) {
      const ms = await joinOnce(browser, broadcastId, viewer);
      times.push(ms);
      log(`  join ${String(i).padStart(3)}: first frame after ${ms.toFixed(0)} ms`);
    }
    const burst = await joinAtOnce(browser, broadcastId, viewer);
    log(`  burst: first frames after ${[...burst].sort((a, b) => a - b).map((ms) => ms.toFixed(0)).join(' ')} ms`);
    await endOnPage(studio);
    console.log(`join-first-frame: ${p50p95(times)} over ${times.length} joins; burst of ${burst.length}: ${p50p95(burst)}`);
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`join failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
