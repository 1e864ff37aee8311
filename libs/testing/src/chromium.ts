import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestContext } from './test-context.js';

/**
 * Debian's Chromium (installed by tools/onair infra up media-tools), headless, with a fake
 * camera and microphone and WebRTC on loopback. The background-networking flags matter here:
 * without them Chromium keeps dialling Google's hosts, which this machine refuses.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchChromium(ctx: TestContext): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: ctx.infra.chromiumBin ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  ctx.onCleanup(() => browser.close());
  return browser;
}

/**
 * Signs in with the web client's sign-in form: /signin, or the form /broadcast and /watch/<id>
 * show in place of the page while nobody is signed in (the page appears once signed in).
 */
export async function signInOnPage(page: Page, person: { handle: string; password: string }): Promise<void> {
  await page.fill('#login', person.handle);
  await page.fill('#password', person.password);
  await page.click('#signin');
}

/** What a function run in the page reads there (this library is typed for Node, not the DOM). */
export interface PageGlobals {
  document: { body: { dataset: Record<string, string | undefined> } };
}

/**
 * Waits until a web client page's `data-state` (on <body>) is one of `states`; on timeout the
 * error names the state and status line the page did reach, which is what tells a failure's cause.
 */
export async function waitForPageState(page: Page, states: string[], timeoutMs = 30_000): Promise<string> {
  try {
    // A function, not a string: Playwright evaluates a function's source once and calls it at
    // each poll, but a string expression at each poll, which the client's CSP (no 'unsafe-eval')
    // refuses after the first.
    await page.waitForFunction((wanted) => wanted.includes((globalThis as unknown as PageGlobals).document.body.dataset.state ?? ''), states, { timeout: timeoutMs });
  } catch (err) {
    const [state, status] = await Promise.all([page.evaluate('document.body.dataset.state'), page.textContent('#status')]);
    throw new Error(`${page.url()} did not reach ${states.join('|')} within ${timeoutMs} ms: state ${state}, status "${status}"`, { cause: err });
  }
  return (await page.evaluate('document.body.dataset.state')) as string;
}

/**
 * What the page says "try again" for: no SFU node known yet (nodes report every second), or a
 * service the edge could not reach in time (under a loaded machine's stalls).
 */
const RETRIED_GO_LIVE_ERRORS = ['STREAM_SESSIONS.NO_SFU_AVAILABLE', 'EDGE.UPSTREAM_UNAVAILABLE'];

/**
 * Goes live from the web client's /broadcast page (fake camera) as `person`; the broadcast's id.
 * Until stream-sessions has heard of an SFU node, or when a service was briefly out of reach,
 * going live fails with a try-again code (the page's `data-error-code`): retried like a person would.
 */
export async function goLiveOnPage(
  page: Page,
  edgeUrl: string,
  /** Who signs in on the page's form; null when the page's context is signed in already. */
  person: { handle: string; password: string } | null,
  title: string,
  /** Fills the rest of the form (topics, location, audience) before going live. */
  chooseOptions?: (page: Page) => Promise<void>,
): Promise<string> {
  await page.goto(`${edgeUrl}/broadcast`);
  if (person) await signInOnPage(page, person);
  await page.waitForSelector('#golive:enabled');
  await page.fill('#title', title);
  await chooseOptions?.(page);
  for (let attempt = 0; ; attempt++) {
    await page.click('#golive');
    if ((await waitForPageState(page, ['live', 'error'], 45_000)) === 'live') break;
    const [code, status] = await Promise.all([page.evaluate('document.body.dataset.errorCode'), page.textContent('#status')]);
    if (!RETRIED_GO_LIVE_ERRORS.includes(String(code)) || attempt > 30) throw new Error(`could not go live: ${code ?? ''} ${status}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return (await page.evaluate('document.body.dataset.broadcastId')) as string;
}

/** The studio page ends its broadcast (End, then the confirmation) and waits until it says so. */
export async function endOnPage(studio: Page, timeoutMs = 15_000): Promise<void> {
  await studio.click('#end');
  await studio.click('#end-confirm');
  await waitForPageState(studio, ['ended'], timeoutMs);
}

/** The replay page's <video>, as a function run in the page reads it. */
export interface ReplayVideoGlobals {
  document: { querySelector(selector: '#replay-player'): { currentTime: number; paused: boolean; play(): Promise<void>; pause(): void } };
}

/** Pauses the replay page's video at `seconds` and waits until the seek has landed (within 0.5 s). */
export async function pauseReplayAt(page: Page, seconds: number): Promise<void> {
  await page.evaluate((s) => {
    const video = (globalThis as unknown as ReplayVideoGlobals).document.querySelector('#replay-player');
    video.pause();
    video.currentTime = s;
  }, seconds);
  await page.waitForFunction((s) => Math.abs((globalThis as unknown as ReplayVideoGlobals).document.querySelector('#replay-player').currentTime - s) < 0.5, seconds);
}
