// The k6 script of `tools/onair bench hls` (tools/bench/hls.ts runs it with k6 v1.8.1): each
// virtual viewer does what hls.js does with a live playlist, through the edge. It joins at the
// live edge (the newest segment), then reloads the playlist every target duration and fetches
// each segment it has not fetched yet, with a viewer's access token (Bearer, as the watch page).
// Measured per new segment: its fetch time (k6's request duration: sending, waiting, receiving);
// and the live-edge latency: the moment the viewer has the segment minus the wall-clock end of
// its media (EXT-X-PROGRAM-DATE-TIME + EXTINF). That is how far behind real time the newest
// picture a player could show is; a player adds its own buffer (hls.js: 2 segments) on top.
// Errors: every answer other than 200, and requests that failed outright.
// Env: EDGE, BROADCAST, TOKENS (comma-separated), VUS, RAMP_S, HOLD_S, SUMMARY (a JSON file to write).
import http from 'k6/http';
import { sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const BASE = `${__ENV.EDGE}/v1/broadcasts/${__ENV.BROADCAST}/live`;
const TOKENS = __ENV.TOKENS.split(',');
const VUS = Number(__ENV.VUS);

export const options = {
  scenarios: {
    viewers: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: `${__ENV.RAMP_S}s`, target: VUS },
        { duration: `${__ENV.HOLD_S}s`, target: VUS },
      ],
      gracefulRampDown: '0s',
      gracefulStop: '10s',
    },
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max', 'count'],
  // The load generator shares the machine with the platform: what it does per request is kept
  // small. Bodies are read and dropped (the playlist asks for its text), and requests carry
  // only the tags the summary uses, not k6's dozen (url, proto, tls_version, ...).
  discardResponseBodies: true,
  systemTags: ['status', 'name', 'error'],
};

const segmentFetch = new Trend('hls_segment_fetch', true);
const playlistFetch = new Trend('hls_playlist_fetch', true);
const liveEdgeLatency = new Trend('hls_live_edge_latency', true);
const errors = new Counter('hls_errors');

// Per virtual viewer (each VU has its own copy of the module): the newest segment it has.
let last = '';
let target = 2;

/** "2026-12-05T10:00:00.000+0000" (ffmpeg's form) or any ISO 8601 offset, in ms since the epoch. */
function parseDateTime(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|([+-])(\d\d):?(\d\d))?$/.exec(text.trim());
  if (!m) return NaN;
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const offset = m[9] ? (m[9] === '+' ? 1 : -1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000 : 0;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms) - offset;
}

/**
 * The segments listed in (part of) a playlist, each with the wall-clock end of its media: its
 * EXT-X-PROGRAM-DATE-TIME (the recorder stamps every segment) plus its #EXTINF. Without a
 * stamp of its own, a segment starts where the one before it ended (NaN in a tail that starts
 * without one: no latency is counted for it).
 */
function parseSegments(text) {
  const segments = [];
  let start = NaN;
  let duration = NaN;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-TARGETDURATION:')) target = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) start = parseDateTime(line.slice(25));
    else if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) {
      segments.push({ name: line, endMs: start + duration * 1000 });
      start += duration * 1000;
    }
  }
  return segments;
}

/**
 * What this viewer has not fetched yet. The live playlist is an EVENT playlist (it only grows,
 * and segment names count up), so that is whatever follows the newest segment it has; a player
 * joining starts at the live edge, the newest segment, not at the start of the broadcast.
 */
function unfetched(text) {
  if (!last) return parseSegments(text).slice(-1);
  const at = text.lastIndexOf(`\n${last}\n`);
  if (at < 0) return parseSegments(text).filter((s) => s.name > last);
  return parseSegments(text.slice(at + last.length + 2));
}

export default function () {
  const headers = { Authorization: `Bearer ${TOKENS[(__VU - 1) % TOKENS.length]}` };
  const began = Date.now();
  const res = http.get(`${BASE}/index.m3u8`, { headers, timeout: '10s', responseType: 'text', tags: { name: 'playlist' } });
  if (res.status !== 200) {
    errors.add(1, { file: 'playlist', status: String(res.status) });
    sleep(2);
    return;
  }
  playlistFetch.add(res.timings.duration);
  for (const segment of unfetched(res.body)) {
    last = segment.name;
    const seg = http.get(`${BASE}/${segment.name}`, { headers, timeout: '10s', responseType: 'none', tags: { name: 'segment' } });
    if (seg.status !== 200) {
      errors.add(1, { file: 'segment', status: String(seg.status) });
      continue;
    }
    segmentFetch.add(seg.timings.duration);
    if (Number.isFinite(segment.endMs)) liveEdgeLatency.add(Date.now() - segment.endMs);
  }
  // hls.js reloads a live playlist once per target duration.
  sleep(Math.max(0.2, target - (Date.now() - began) / 1000));
}

export function handleSummary(data) {
  const m = (name) => data.metrics[name]?.values ?? {};
  const summary = {
    viewers: m('vus_max').max ?? 0,
    segmentFetchP99Ms: m('hls_segment_fetch')['p(99)'] ?? null,
    segmentFetchP50Ms: m('hls_segment_fetch')['p(50)'] ?? null,
    segments: m('hls_segment_fetch').count ?? 0,
    playlistFetchP99Ms: m('hls_playlist_fetch')['p(99)'] ?? null,
    playlists: m('hls_playlist_fetch').count ?? 0,
    liveEdgeLatencyP50Ms: m('hls_live_edge_latency')['p(50)'] ?? null,
    liveEdgeLatencyP95Ms: m('hls_live_edge_latency')['p(95)'] ?? null,
    errors: m('hls_errors').count ?? 0,
  };
  return { [__ENV.SUMMARY]: JSON.stringify(summary) };
}
