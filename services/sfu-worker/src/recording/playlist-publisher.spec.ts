import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlaylistPublisher } from './playlist-publisher.js';
import { formatProgramDateTime, stampedSegments } from './program-date-time.js';

const T = Date.UTC(2026, 11, 5, 10, 0, 0);
const entry = (uri: string, startMs: number, seconds = 2) => [`#EXTINF:${seconds.toFixed(6)},`, `#EXT-X-PROGRAM-DATE-TIME:${formatProgramDateTime(startMs)}`, uri];
const playlist = (...entries: string[][]) => ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-PLAYLIST-TYPE:EVENT', ...entries.flat(), ''].join('\n');

describe('PlaylistPublisher', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'playlist-publisher-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function segment(uri: string, completedMs: number) {
    await writeFile(join(dir, uri), 'ts');
    await utimes(join(dir, uri), completedMs / 1000, completedMs / 1000);
  }

  it('moves the stamps of its run to the first packet and keeps those published before', async () => {
    await writeFile(join(dir, 'index.m3u8'), playlist(entry('segment-00000.ts', T)));
    const publisher = await PlaylistPublisher.open(dir);
    expect(await readFile(publisher.ffmpegPlaylist, 'utf8')).toBe(playlist(entry('segment-00000.ts', T)));
    publisher.mediaFlowing(T + 60_000);
    publisher.mediaStarted(T + 60_020);
    publisher.mediaStarted(T + 60_400);
    // ffmpeg stamps its run 1.5 s late and restamps what it appended to.
    await segment('segment-00001.ts', T + 62_100);
    await segment('segment-00002.ts', T + 64_100);
    await writeFile(publisher.ffmpegPlaylist, playlist(entry('segment-00000.ts', T + 999), entry('segment-00001.ts', T + 61_520), entry('segment-00002.ts', T + 63_520)));
    const starts = stampedSegments(await publisher.close()).map((s) => s.startMs - T);
    expect(starts).toEqual([0, 60_020, 62_020]);
  });

  it('never makes a segment end after its file was complete', async () => {
    const publisher = await PlaylistPublisher.open(dir);
    publisher.mediaFlowing(T);
    publisher.mediaStarted(T + 300);
    await segment('segment-00000.ts', T + 2_100);
    await writeFile(publisher.ffmpegPlaylist, playlist(entry('segment-00000.ts', T + 1_500), entry('segment-00001.ts', T + 3_500, 0.5)));
    expect(stampedSegments(await publisher.close()).map((s) => s.startMs - T)).toEqual([100, 2_100]);
  });
});
