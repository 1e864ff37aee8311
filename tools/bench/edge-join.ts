// tools/onair bench edge-join: a broadcast is live on one sfu-worker node (the origin: a WebRTC
// publisher sending the VP8 + Opus test clip), and a second node joins it again and again, as a
// node does when stream-sessions places a viewer there with a ticket naming the origin
// (`relayFrom`). Each join: a viewer connects to the second node, which opens a relayed room (a
// relay WebSocket to the origin, a PipeTransport pair, a pipe Producer per Producer), then the
// viewer leaves and the node closes the relay. Both nodes are real processes
// (services/sfu-worker/dist/src/main.js) relaying over the platform's own path.
// What is timed, per join, on the joining node: from its PipeTransport pair being connected
// (the origin answered connectPipeTransport) to the first RTP packet of the broadcast a pipe
// Producer there receives. The node logs that line itself (relay/origin-feed.ts, "first <kind>
// packet <ms> ms after the pipe connected"): the instant is inside the node, not on a socket the
// bench can see. The first packet is in practice audio (Opus, one every 20 ms; a pipe Consumer
// holds video back until a key frame), so the figure is mostly the wait for the next one.
// Prints on stderr how long the viewer waited for `joined` (the relay opening, ticket checks
// included) and how long piping the Producers in took; last one line:
//   edge-join: pipe ready → first packet p50 <a> ms, p95 <b> ms over <n> joins
// (target: p95 < 300 ms). Knob: BENCH_JOINS (30); one warm-up join before them is not counted.
// needs: kafka media-tools mediasoup
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { isRtcp } from './media/ice-lite-bridge.ts';
import { p50p95 } from './media/percentiles.ts';
import { benchRelaySecret, MediaTicketIssuer, SfuNode } from './media/sfu-nodes.ts';
import { SignalClient } from './media/signal-client.ts';
import { sendClip, testClip } from './media/test-clip.ts';
import { WebRtcClient, type Publication } from './media/webrtc-client.ts';
import { localEnv } from './support/local-env.ts';

const JOINS = Number(process.env.BENCH_JOINS ?? 30);
const MEDIA_TIMEOUT_MS = 15_000;

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Join {
  /** The viewer's wait from opening the socket to `joined`. */
  joinedMs: number;
  /** Pipe connected → first RTP packet on a pipe Producer (the node's own figure). */
  firstPacketMs: number;
  firstKind: string;
  /** Pipe connected → every Producer piped in; undefined when a packet came first. */
  pipedInMs?: number;
}

/** Resolves once the publisher's bridge has sent both kinds to the origin. */
function mediaFlowing(publication: Publication): Promise<void> {
  const seen = new Set<string>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the publisher sent no ${seen.has('video') ? 'audio' : 'video'} within ${MEDIA_TIMEOUT_MS} ms`)), MEDIA_TIMEOUT_MS);
    publication.bridge.onToNode = (packet) => {
      const kind = isRtcp(packet) ? undefined : publication.kinds.get(packet.readUInt32BE(8));
      if (kind) seen.add(kind);
      if (seen.size === 2) {
        clearTimeout(timer);
        publication.bridge.onToNode = undefined;
        resolve();
      }
    };
  });
}

async function joinOnce(issuer: MediaTicketIssuer, origin: SfuNode, edge: SfuNode, broadcastId: string): Promise<Join> {
  const mark = edge.logMark;
  const ticket = await issuer.sign({ broadcastId, role: 'consume', nodeId: edge.nodeId, relayFrom: { nodeId: origin.nodeId, relayUrl: origin.relayUrl } });
  const t0 = performance.now();
  const viewer = await SignalClient.join(edge.signallingUrl(ticket));
  const joinedMs = performance.now() - t0;
  try {
    const line = await edge.nextLog(new RegExp(`^relay from ${origin.nodeId} for ${broadcastId}: first`), mark);
    const figures = /first (\w+) packet ([\d.]+) ms after the pipe connected(?:, Producers piped in ([\d.]+) ms)?/.exec(line.msg);
    if (!figures) throw new Error(`unexpected log line: ${line.msg}`);
    return { joinedMs, firstKind: figures[1], firstPacketMs: Number(figures[2]), pipedInMs: figures[3] === undefined ? undefined : Number(figures[3]) };
  } finally {
    await viewer.leave();
    // The last viewer gone, the node closes the room and its relay: the next join opens anew.
    await edge.nextLog(new RegExp(`^room ${broadcastId} closed`), mark);
  }
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
    const [origin, edge] = await Promise.all([SfuNode.start('origin', issuer.jwksUrl, secret), SfuNode.start('edge', issuer.jwksUrl, secret)]);
    nodes.push(origin, edge);
    log(`nodes up: origin ${origin.nodeId} (:${origin.port}), joining node ${edge.nodeId} (:${edge.port})`);
    const broadcastId = randomUUID();
    const publisher = await SignalClient.join(origin.signallingUrl(await issuer.sign({ broadcastId, role: 'publish', nodeId: origin.nodeId })));
    const publication = await client.publish(publisher);
    const flowing = mediaFlowing(publication);
    sender = sendClip(ffmpeg, clip, publication.ingest.video, publication.ingest.audio);
    await flowing;
    log('publisher live on the origin (WebRTC, VP8 + Opus); a warm-up join, then the measured ones');
    await joinOnce(issuer, origin, edge, broadcastId);
    const joins: Join[] = [];
    for (let i = 0; i < JOINS; i++) {
      // Each join starts right after the last one saw a packet: without a random pause the joins
      // would keep in step with the publisher's 20 ms audio packets and always wait the same.
      await sleep(50 + Math.random() * 100);
      const join = await joinOnce(issuer, origin, edge, broadcastId);
      joins.push(join);
      log(`  join ${String(i + 1).padStart(3)}: joined after ${join.joinedMs.toFixed(1)} ms; first ${join.firstKind} packet ${join.firstPacketMs.toFixed(1)} ms after the pipe connected`);
    }
    log(`load average over the last minute ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
    const kinds = joins.reduce<Record<string, number>>((n, j) => ({ ...n, [j.firstKind]: (n[j.firstKind] ?? 0) + 1 }), {});
    const piped = joins.flatMap((j) => (j.pipedInMs === undefined ? [] : [j.pipedInMs]));
    log(`viewer's wait for joined (relay opened, tickets checked): ${p50p95(joins.map((j) => j.joinedMs))}`);
    log(`pipe connected → Producers piped in: ${piped.length ? p50p95(piped) : 'a packet always came first'}; first packet was ${Object.entries(kinds).map(([k, n]) => `${k} ${n}×`).join(', ')}`);
    console.log(`edge-join: pipe ready → first packet ${p50p95(joins.map((j) => j.firstPacketMs))} over ${joins.length} joins`);
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
    log(`edge-join failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
