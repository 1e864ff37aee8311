// The WebSocket load generator of `bench chat`, run as its own process (pinned to the core the
// server under test does not use). Opens the sockets, has the writers send at a fixed rate for
// the warm-up plus the measured window, and prints one JSON summary on stdout:
//   { sent, accepted, deliveries, seconds, p50, p99, refused }
// Deliveries are messages received by any socket in the window (a frame may carry several);
// latency is measured on the probe sockets from the send time written into each message.
// Runs on Node 24 as is (type stripping: erasable TypeScript only).
import { WebSocket } from 'ws';

interface Plan {
  urls: string[];
  writers: number;
  ratePerWriter: number;
  warmupSeconds: number;
  seconds: number;
  probes: number;
}

/** The plan comes on stdin (hundreds of tickets do not fit in an argument). */
async function readPlan(): Promise<Plan> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text) as Plan;
}

let plan: Plan;
const sockets: WebSocket[] = [];
let measuring = false;
let sent = 0;
let accepted = 0;
let refused = 0;
let deliveries = 0;
const latencies: number[] = [];
/** Why sockets closed during the run, by close code and reason. */
const closes: Record<string, number> = {};

/** Messages in a frame, counted without parsing it (most sockets): one `"text":` per item. */
function countItems(frame: string): number {
  let n = 0;
  for (let i = frame.indexOf('"text":'); i >= 0; i = frame.indexOf('"text":', i + 7)) n++;
  return n;
}

function open(url: string, probe: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('message', (data) => {
      const frame = data.toString();
      if (frame.startsWith('{"type":"ack"')) {
        if (measuring && !frame.includes('"collapsed"')) accepted++;
        return;
      }
      if (frame.startsWith('{"type":"error"')) {
        if (measuring) refused++;
        return;
      }
      if (!frame.startsWith('{"type":"messages"')) return;
      if (!measuring) return;
      if (!probe) {
        deliveries += countItems(frame);
        return;
      }
      const now = Date.now();
      for (const item of (JSON.parse(frame) as { items: Array<{ text: string }> }).items) {
        deliveries++;
        const at = Number(item.text.split(':')[2]);
        if (at) latencies.push(now - at);
      }
    });
    ws.on('close', (code, reason) => {
      const key = `${code} ${reason.toString()}`.trim();
      closes[key] = (closes[key] ?? 0) + 1;
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function main(): Promise<void> {
  plan = await readPlan();
  for (const [i, url] of plan.urls.entries()) sockets.push(await open(url, i < plan.probes));
  // Wait until every socket is past its join (its first frames), then load.
  await new Promise((r) => setTimeout(r, 1000));
  const writers = sockets.slice(0, plan.writers);
  const intervalMs = 1000 / plan.ratePerWriter;
  let seq = 0;
  // Writers spread over the interval, each on its own clock.
  const timers = writers.map((ws, w) =>
    setTimeout(() => {
      const tick = () => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify({ type: 'message', id: ++seq, text: `${w}:${seq}:${Date.now()}` }));
        if (measuring) sent++;
      };
      timers.push(setInterval(tick, intervalMs) as unknown as NodeJS.Timeout);
    }, (w * intervalMs) / writers.length),
  );
  await new Promise((r) => setTimeout(r, plan.warmupSeconds * 1000));
  measuring = true;
  const started = Date.now();
  await new Promise((r) => setTimeout(r, plan.seconds * 1000));
  measuring = false;
  const seconds = (Date.now() - started) / 1000;
  for (const t of timers) clearInterval(t);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  process.stdout.write(`${JSON.stringify({ sent, accepted, refused, deliveries, seconds, p50: pct(50), p99: pct(99), closed: sockets.filter((s) => s.readyState !== WebSocket.OPEN).length, closes })}\n`);
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`chat-load: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
