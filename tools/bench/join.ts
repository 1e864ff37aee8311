// tools/onair bench join: real Chromium viewers join one live broadcast through the running
// platform (edge → stream-sessions ticket → sfu-worker signalling → WebRTC transport → consume),
// each in a fresh browser context. The broadcaster is a Chromium page too (fake camera, VP8
// simulcast). Two phases:
// - one after another on an otherwise idle platform: the page measures from the ticket request
//   to the first video frame shown (requestVideoFrameCallback);
// - a burst: BURST WebRTC viewers (tools/loadclient, one Go process) join at once, measured from
//   each one's first ticket request to its first complete key frame, ticket retries included.
// Prints one line:
//   join-first-frame: p50 <a> ms, p95 <b> ms over <n> joins; burst of <m>: p50 <c> ms, p95 <d> ms
// Knobs: BENCH_JOINS (30), BENCH_BURST (30), BENCH_EDGE_URL (http://127.0.0.1:8080).
// needs: platform
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, endOnPage, goLiveOnPage, signInOnPage, type PageGlobals } from '../../libs/testing/src/chromium.ts';
import { p50p95 } from './support/latency-summary.ts';
import { localEnv } from './support/local-env.ts';
import { newAccount, type Person } from './support/web-accounts.ts';

const JOINS = Number(process.env.BENCH_JOINS ?? 30);
const BURST = Number(process.env.BENCH_BURST ?? 30);
const EDGE = process.env.BENCH_EDGE_URL ?? 'http://127.0.0.1:8080';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);

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

interface BurstResult {
  id: number;
  error?: string;
  tickets?: number;
  ticketMs?: number; // the last ticket answered
  connectedMs?: number; // ICE and DTLS done
  tracks: Array<{ kind: string; firstFrameMs?: number }> | null;
}

/**
 * BURST viewers of one signed-in account join at once through the platform's own path (a
 * consume ticket each from the edge, the node's signalling WebSocket, a WebRtcTransport: ICE,
 * DTLS, SRTP), as tools/loadclient's subscribers: real WebRTC peers in one Go process, where
 * 30 Chromium pages on this machine's 2 cores spent seconds in their own start-up and decoders
 * (a Chromium burst measured the browsers: p50 7 s). Each one's time runs from its first ticket
 * request to its first complete key frame (the first frame a decoder could show), refused
 * joins and their new tickets included, as the watch page retries them. The peers pace their
 * ICE checks as Chromium does (tools/loadclient/ice_pacing.go), not at pion's 200 ms.
 */
async function joinAtOnce(broadcastId: string, viewer: Person): Promise<number[]> {
  log(`${BURST} viewers join at once (tools/loadclient)`);
  const args = ['onair', '-edge', EDGE, '-login', viewer.handle, '-password', viewer.password, '-broadcast', broadcastId, '-n', String(BURST), '-ramp', '0s', '-duration', '3s', '-join-timeout', '20s'];
  const { stdout } = await run(localEnv('ONAIR_LOADCLIENT_BIN'), args, { maxBuffer: 64 * 1024 * 1024 });
  const results = (JSON.parse(stdout) as { results: BurstResult[] }).results;
  const firstFrame = (r: BurstResult) => r.tracks?.find((t) => t.kind === 'video')?.firstFrameMs;
  const failed = results.filter((r) => !firstFrame(r));
  if (failed.length) throw new Error(`${failed.length} of ${BURST} burst viewers showed no frame: ${failed.slice(0, 5).map((r) => `#${r.id} ${r.error ?? 'no complete key frame'}`).join('; ')}`);
  log(`  burst: ${results.reduce((n, r) => n + (r.tickets ?? 1), 0)} consume tickets asked for by ${BURST} viewers`);
  // Where a burst's time goes: the key frame a viewer gets is the first one asked for after it
  // connected, so how far apart the connections are matters as much as how long they take.
  const phase = (all: Array<number | undefined>) => {
    const ms = all.filter((m): m is number => m !== undefined);
    return `first ${Math.min(...ms).toFixed(0)} ms, ${p50p95(ms)}, last ${Math.max(...ms).toFixed(0)} ms`;
  };
  log(`  burst: tickets answered ${phase(results.map((r) => r.ticketMs))}; transports connected ${phase(results.map((r) => r.connectedMs))}`);
  return results.map((r) => firstFrame(r)!);
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
    const burst = await joinAtOnce(broadcastId, viewer);
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
