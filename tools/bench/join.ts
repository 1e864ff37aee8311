// tools/onair bench join: real Chromium viewers join one live broadcast one after another
// through the running platform (edge → stream-sessions ticket → sfu-worker signalling →
// WebRTC transport → consume), each in a fresh browser context, and the page measures from
// the ticket request to the first video frame shown (requestVideoFrameCallback). The
// broadcaster is a Chromium page too (fake camera, VP8 simulcast). Prints one line:
//   join-first-frame: p50 <a> ms, p95 <b> ms over <n> joins
// Knobs: BENCH_JOINS (30), BENCH_EDGE_URL (http://127.0.0.1:8080).
// needs: platform
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, goLiveOnPage, signInOnPage, waitForPageState, type PageGlobals } from '../../libs/testing/src/chromium.ts';
import { localEnv } from './support/local-env.ts';

const JOINS = Number(process.env.BENCH_JOINS ?? 30);
const EDGE = process.env.BENCH_EDGE_URL ?? 'http://127.0.0.1:8080';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Person {
  handle: string;
  password: string;
}

async function newAccount(role: string): Promise<Person> {
  const handle = `b${role}${randomBytes(4).toString("hex")}`;
  const password = `join-bench-${randomBytes(12).toString('hex')}`;
  const res = await fetch(`${EDGE}/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ handle, email: `${handle}@bench.onair.test`, password }),
  });
  if (!res.ok) throw new Error(`creating ${handle}: ${res.status} ${await res.text()}`);
  return { handle, password };
}

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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: localEnv('ONAIR_CHROMIUM_BIN'), headless: true, args: CHROMIUM_FLAGS });
  try {
    const [broadcaster, viewer] = [await newAccount('live'), await newAccount('view')];
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
    await studio.click('#end');
    await studio.click('#end-confirm');
    await waitForPageState(studio, ['ended'], 15_000);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`join-first-frame: p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms over ${times.length} joins`);
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
