// tools/onair bench sfu-failover: Chromium viewers of one broadcast watch through an SFU node
// that relays it; that node is SIGKILLed, and each viewer's page, having lost its WebSocket,
// asks for a new ticket (avoiding the lost node), joins the node placement gives it and decodes
// again. Per viewer: the time from the kill to the first frame decoded after its rejoin.
//
// The bench adds three sfu-worker nodes to the running platform (support/local-sfu-nodes.ts):
// - the origin, where the studio page publishes (support/publish-on-node.ts), one Router of 2
//   consumers: its recording fills it, so stream-sessions puts every viewer on a relay node;
// - two relay nodes with room. The first viewer's ticket brings one of them into the broadcast's
//   relay tree, under the origin; the others go to that carrier (the closest to the root with
//   room). That node is killed; placement then hangs the other one under the origin.
// The platform's own node never relays (it has no relay secret), so it is in no tree.
// Prints one line:
//   sfu-failover: <n> viewers decoding again p50 <a> ms, p95 <b> ms after a node kill
// (with how many did not resume within 30 s when some did not; the run then fails).
// Knobs: BENCH_VIEWERS (10), BENCH_EDGE_URL (http://127.0.0.1:8080),
// BENCH_SESSIONS_URL (stream-sessions, http://127.0.0.1:7103: the nodes' ticket keys).
// needs: platform
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, endOnPage, goLiveOnPage, signInOnPage, waitForPageState } from '../../libs/testing/src/chromium.ts';
import { p50p95 } from './support/latency-summary.ts';
import { localEnv } from './support/local-env.ts';
import { LocalSfuNodes } from './support/local-sfu-nodes.ts';
import { publishOnlyOn } from './support/publish-on-node.ts';
import { decodingAgainAt, describePage, expectGrowingFrames, joinsOf, newViewerPage } from './support/watch-pages.ts';
import { accessTokenOf, newAccount, type Person } from './support/web-accounts.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 10);
const EDGE = process.env.BENCH_EDGE_URL ?? 'http://127.0.0.1:8080';
const SESSIONS = process.env.BENCH_SESSIONS_URL ?? 'http://127.0.0.1:7103';
const RESUME_TIMEOUT_MS = 30_000;
/** Stable names: each node's Kafka consumer groups are named after it, and are reused by the next run. */
const ORIGIN = 'bench-failover-origin';
const RELAYS = ['bench-failover-relay-1', 'bench-failover-relay-2'];
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nodeOf = (page: Page) => page.evaluate('document.body.dataset.nodeId') as Promise<string | undefined>;

/** The node a consume ticket would name now (a probe's ticket: nobody connects with it). */
async function placement(broadcastId: string, token: string): Promise<string> {
  const res = await fetch(`${EDGE}/v1/broadcasts/${broadcastId}/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'consume' }),
  });
  if (!res.ok) throw new Error(`probe ticket: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { nodeId: string }).nodeId;
}

/** Until the origin reports itself full (its recording): viewers are sent to a relay node from then on. */
async function originFull(broadcastId: string, probe: Person): Promise<void> {
  const token = await accessTokenOf(EDGE, probe);
  const deadline = Date.now() + 20_000;
  while ((await placement(broadcastId, token)) === ORIGIN) {
    if (Date.now() > deadline) throw new Error(`viewers are still placed on the origin after 20 s: is it full (${ORIGIN}'s log)?`);
    await sleep(250);
  }
}

/** Viewers joining one after another, each in a fresh browser context; all decoding, on one relay node. */
async function viewersOnOneRelay(browser: Browser, broadcastId: string, viewer: Person, problems: string[]): Promise<{ pages: Page[]; relay: string }> {
  const pages: Page[] = [];
  for (let i = 0; i < VIEWERS; i++) {
    const page = await newViewerPage(browser, problems);
    pages.push(page);
    await page.goto(`${EDGE}/watch/${broadcastId}`);
    await signInOnPage(page, viewer);
    await waitForPageState(page, ['watching'], 30_000);
  }
  const nodes = await Promise.all(pages.map(nodeOf));
  const relay = nodes[0]!;
  if (!RELAYS.includes(relay) || nodes.some((n) => n !== relay)) throw new Error(`viewers are not all on one relay node: ${nodes.join(', ')}`);
  await Promise.all(pages.map((page) => expectGrowingFrames(page)));
  return { pages, relay };
}

async function main(): Promise<void> {
  const nodes = new LocalSfuNodes(SESSIONS);
  const browser = await chromium.launch({ executablePath: localEnv('ONAIR_CHROMIUM_BIN'), headless: true, args: CHROMIUM_FLAGS });
  const problems: string[] = [];
  try {
    log(`starting SFU nodes ${ORIGIN} (full with its recording), ${RELAYS.join(', ')}`);
    await nodes.start(ORIGIN, { SFU_MAX_CONSUMERS_PER_ROUTER: '2' });
    for (const relay of RELAYS) await nodes.start(relay);
    const [broadcaster, viewer, probe] = [await newAccount(EDGE, 'live'), await newAccount(EDGE, 'view'), await newAccount(EDGE, 'probe')];
    const studio = await newViewerPage(browser, problems);
    await publishOnlyOn(studio, ORIGIN);
    // Until the nodes' first load reports reach stream-sessions, going live is retried (goLiveOnPage).
    const broadcastId = await goLiveOnPage(studio, EDGE, broadcaster, 'bench sfu-failover');
    if ((await nodeOf(studio)) !== ORIGIN) throw new Error(`the studio publishes on ${await nodeOf(studio)}, not ${ORIGIN}`);
    await originFull(broadcastId, probe);
    const { pages, relay } = await viewersOnOneRelay(browser, broadcastId, viewer, problems);
    log(`broadcast ${broadcastId} is live on ${ORIGIN}; ${pages.length} viewers decode through ${relay}, which is SIGKILLed now`);

    const joinsBefore = await Promise.all(pages.map(joinsOf));
    const killedAt = Date.now();
    await nodes.kill(relay);
    log(`${relay} killed at ${new Date(killedAt).toISOString()}`);
    const resumedAt = await Promise.all(pages.map((page, i) => decodingAgainAt(page, joinsBefore[i], RESUME_TIMEOUT_MS)));
    const times: number[] = [];
    for (const [i, page] of pages.entries()) {
      const at = resumedAt[i];
      if (at === null) log(`  viewer ${String(i + 1).padStart(3)}: did not decode again within ${RESUME_TIMEOUT_MS} ms: ${await describePage(page)}`);
      else {
        times.push(at - killedAt);
        log(`  viewer ${String(i + 1).padStart(3)}: decoding again on ${await nodeOf(page)} ${at - killedAt} ms after the kill`);
        if ((await nodeOf(page)) === relay) throw new Error(`viewer ${i + 1} decodes on the killed node ${relay}`);
      }
    }
    // What was timed is real: the pictures move on after the rejoin.
    await Promise.all(pages.filter((_, i) => resumedAt[i] !== null).map((page) => expectGrowingFrames(page)));
    await endOnPage(studio);
    if (problems.length) log(`page errors: ${problems.join('; ')}`);
    const missing = pages.length - times.length;
    if (times.length === 0) throw new Error('no viewer decoded again after the node kill');
    const tail = missing ? ` (${missing} of ${pages.length} did not within ${RESUME_TIMEOUT_MS / 1000} s)` : '';
    console.log(`sfu-failover: ${times.length} viewers decoding again ${p50p95(times)} after a node kill${tail}`);
    if (missing) process.exitCode = 1;
  } finally {
    await browser.close();
    await nodes.stopAll();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: Error) => {
    log(`sfu-failover failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
