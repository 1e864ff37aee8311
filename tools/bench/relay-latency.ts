// tools/onair bench relay-latency: what two relay hops add to a packet's trip. Three real
// sfu-worker nodes (services/sfu-worker/dist/src/main.js processes) form a relay tree over the
// platform's own path (relay secret, tickets with `relayFrom`, PipeTransports): the origin, where
// a WebRTC publisher sends the VP8 + Opus test clip; level 1, relayed from the origin (a viewer
// there keeps its room open); level 2, relayed from level 1. Two WebRTC viewers watch: one on
// the origin, one on level 2. The bench is the publisher and both viewers (tools/bench/media/
// webrtc-client.ts): each one's socket facing its node is the bench's, so every packet is timed
// on the wire, as it leaves the publisher's socket and as it reaches each viewer's socket, and
// recognised at each by its RTP timestamp (tools/bench/media/packet-clock.ts).
// Over a window of BENCH_WINDOW_S seconds (10), for every packet the publisher sent and both
// viewers received: added = (arrival via level 2) − (arrival on the origin), i.e. origin → L1 →
// L2 → viewer against origin → viewer, the same packet on both. Prints on stderr each path's own
// figures (publisher's socket → viewer's socket) and the packets either viewer missed; last one line:
//   relay-latency: two relay hops add p50 <a> ms, p95 <b> ms
// (target: p95 < 20 ms).
// needs: kafka media-tools mediasoup
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { PacketClock } from './media/packet-clock.ts';
import { p50p95 } from './media/percentiles.ts';
import { benchRelaySecret, MediaTicketIssuer, SfuNode } from './media/sfu-nodes.ts';
import { SignalClient } from './media/signal-client.ts';
import { sendClip, testClip } from './media/test-clip.ts';
import { WebRtcClient, type Kind } from './media/webrtc-client.ts';
import { localEnv } from './support/local-env.ts';

const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 10);
/** After the window: packets sent in its last moments still arrive. */
const IN_FLIGHT_MS = 1000;
const MEDIA_TIMEOUT_MS = 15_000;

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilVideo(clocks: Record<string, PacketClock>): Promise<void> {
  const deadline = performance.now() + MEDIA_TIMEOUT_MS;
  for (;;) {
    const waiting = Object.entries(clocks).filter(([, clock]) => !clock.seen('video'));
    if (waiting.length === 0) return;
    if (performance.now() > deadline) throw new Error(`no video within ${MEDIA_TIMEOUT_MS} ms at: ${waiting.map(([name]) => name).join(', ')}`);
    await sleep(100);
  }
}

interface Figures {
  direct: number[];
  viaRelays: number[];
  added: Record<Kind, number[]>;
  sent: number;
  missedDirect: number;
  missedViaRelays: number;
}

function compare(sent: PacketClock, direct: PacketClock, viaRelays: PacketClock): Figures {
  const figures: Figures = { direct: [], viaRelays: [], added: { audio: [], video: [] }, sent: sent.times.size, missedDirect: 0, missedViaRelays: 0 };
  for (const [key, at] of sent.times) {
    const d = direct.times.get(key);
    const r = viaRelays.times.get(key);
    if (d === undefined) figures.missedDirect++;
    else figures.direct.push(d - at);
    if (r === undefined) figures.missedViaRelays++;
    else figures.viaRelays.push(r - at);
    if (d !== undefined && r !== undefined) figures.added[key.split(':')[0] as Kind].push(r - d);
  }
  return figures;
}

async function main(): Promise<void> {
  const ffmpeg = localEnv('ONAIR_FFMPEG_BIN');
  process.env.MEDIASOUP_WORKER_BIN ??= localEnv('MEDIASOUP_WORKER_BIN');
  const clip = testClip(ffmpeg);
  const issuer = await MediaTicketIssuer.start();
  const secret = benchRelaySecret();
  const nodes: SfuNode[] = [];
  const client = await WebRtcClient.start();
  let sender: ReturnType<typeof sendClip> | undefined;
  try {
    const [origin, level1, level2] = await Promise.all(['origin', 'level1', 'level2'].map((name) => SfuNode.start(name, issuer.jwksUrl, secret)));
    nodes.push(origin, level1, level2);
    log(`nodes up: origin ${origin.nodeId}, level 1 ${level1.nodeId}, level 2 ${level2.nodeId}`);
    const broadcastId = randomUUID();
    const ticket = (node: SfuNode, role: 'publish' | 'consume', parent?: SfuNode) =>
      issuer.sign({ broadcastId, role, nodeId: node.nodeId, ...(parent ? { relayFrom: { nodeId: parent.nodeId, relayUrl: parent.relayUrl } } : {}) });

    const publication = await client.publish(await SignalClient.join(origin.signallingUrl(await ticket(origin, 'publish'))));
    const sent = new PacketClock(publication.kinds);
    publication.bridge.onToNode = sent.tap;
    sender = sendClip(ffmpeg, clip, publication.ingest.video, publication.ingest.audio);
    // The tree: level 1 opens a relayed room for a viewer of its own (signalling only), and
    // level 2 relays from level 1 for the measured viewer.
    await SignalClient.join(level1.signallingUrl(await ticket(level1, 'consume', origin)));
    const direct = await client.watch(await SignalClient.join(origin.signallingUrl(await ticket(origin, 'consume'))));
    const viaRelays = await client.watch(await SignalClient.join(level2.signallingUrl(await ticket(level2, 'consume', level1))));
    const clocks = { direct: new PacketClock(direct.kinds), viaRelays: new PacketClock(viaRelays.kinds) };
    direct.bridge.onFromNode = clocks.direct.tap;
    viaRelays.bridge.onFromNode = clocks.viaRelays.tap;
    await untilVideo({ publisher: sent, 'viewer on the origin': clocks.direct, 'viewer on level 2': clocks.viaRelays });
    await sleep(1000);

    log(`publisher → origin → viewer, and → level 1 → level 2 → viewer: timing ${WINDOW_S} s of packets`);
    for (const clock of [sent, clocks.direct, clocks.viaRelays]) clock.recording = true;
    await sleep(WINDOW_S * 1000);
    sent.recording = false;
    await sleep(IN_FLIGHT_MS);
    const figures = compare(sent, clocks.direct, clocks.viaRelays);
    log(`  load average over the last minute ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores (other work on a shared machine shows in the p95s)`);
    const added = [...figures.added.audio, ...figures.added.video];
    if (added.length === 0) throw new Error(`no packet of the ${figures.sent} sent reached both viewers`);
    log(`  publisher's socket → viewer on the origin:   ${p50p95(figures.direct)} (${figures.missedDirect} of ${figures.sent} packets missed)`);
    log(`  publisher's socket → viewer on level 2:      ${p50p95(figures.viaRelays)} (${figures.missedViaRelays} of ${figures.sent} packets missed)`);
    log(`  added by the two hops, audio: ${p50p95(figures.added.audio)}; video: ${p50p95(figures.added.video)}`);
    console.log(`relay-latency: two relay hops add ${p50p95(added)}`);
  } finally {
    sender?.kill('SIGKILL');
    client.close();
    // Leaves first: a parent stopping under a relaying node would only add warnings to the output.
    for (const node of nodes.reverse()) await node.stop();
    issuer.close();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`relay-latency failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
