import { chromium, type Browser } from 'playwright-core';
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
