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

/** Signs in on an edge page (/broadcast or /watch/<id>) with its sign-in form. */
export async function signInOnPage(page: Page, person: { handle: string; password: string }): Promise<void> {
  await page.fill('#login', person.handle);
  await page.fill('#password', person.password);
  await page.click('#signin');
}

/**
 * Waits until an edge page's `data-state` is one of `states`; on timeout the error names the
 * state and status line the page did reach, which is what tells a failure's cause.
 */
export async function waitForPageState(page: Page, states: string[], timeoutMs = 30_000): Promise<string> {
  try {
    await page.waitForFunction(`${JSON.stringify(states)}.includes(document.body.dataset.state)`, undefined, { timeout: timeoutMs });
  } catch (err) {
    const [state, status] = await Promise.all([page.evaluate('document.body.dataset.state'), page.textContent('#status')]);
    throw new Error(`${page.url()} did not reach ${states.join('|')} within ${timeoutMs} ms: state ${state}, status "${status}"`, { cause: err });
  }
  return (await page.evaluate('document.body.dataset.state')) as string;
}

/**
 * Goes live from the edge's /broadcast page (fake camera) as `person`; the broadcast's id.
 * Until stream-sessions has heard of an SFU node (nodes report every few seconds), going live
 * answers NO_SFU_AVAILABLE: retried like a person would.
 */
export async function goLiveOnPage(page: Page, edgeUrl: string, person: { handle: string; password: string }, title: string): Promise<string> {
  await page.goto(`${edgeUrl}/broadcast`);
  await signInOnPage(page, person);
  await page.waitForFunction("document.getElementById('golive').disabled === false");
  await page.fill('#title', title);
  for (let attempt = 0; ; attempt++) {
    await page.click('#golive');
    if ((await waitForPageState(page, ['live', 'error'], 45_000)) === 'live') break;
    const status = await page.textContent('#status');
    if (!status?.includes('NO_SFU_AVAILABLE') || attempt > 30) throw new Error(`could not go live: ${status}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return (await page.evaluate('document.body.dataset.broadcastId')) as string;
}
