import { Logger } from '@nestjs/common';
import { PLAYLIST } from '@onair/replay-store';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finalizePlaylist } from './hls-playlist.js';
import { restampPlaylist, stampedSegments, type StampedSegment } from './program-date-time.js';

/** ffmpeg's own playlist, beside the published one; not a replay file name, so never served. */
const FFMPEG_PLAYLIST = 'ffmpeg.m3u8';

/**
 * Publishes the playlist ffmpeg writes as `index.m3u8` (the live HLS, then the replay), with
 * honest EXT-X-PROGRAM-DATE-TIMEs. ffmpeg's hls muxer stamps the first segment with the wall
 * clock at which it initialised: after it probed its RTP input (a VP8 key frame, every stream's
 * parameters) and its encoders got their first frames: 0.7 to 2.8 s after the media started
 * (measured; ~1.4 s on a live broadcast). The media's timeline starts at the first packet's arrival
 * (`-use_wallclock_as_timestamps`; `-fps_mode cfr` fills the video from there), so every
 * segment was complete that long before the end its stamp and #EXTINF claimed, and players and
 * the bench understated the live latency by as much. Each following stamp is the first plus
 * the durations before it: one offset per ffmpeg run corrects them all, the difference between
 * ffmpeg's first stamp and the first packet sent to ffmpeg (a mediasoup trace event). Not the
 * first segment's completion: ffmpeg completes it only after it initialised, which can be
 * later than its media's end (a 2 s segment), and then it works through a backlog. Nor less
 * probing: ffmpeg still has to see a key frame and its encoders' first frames, and the delay
 * would only shrink.
 *
 * ffmpeg writes its own file (`ffmpeg.m3u8`, replaced by rename) and this class is the only
 * writer of `index.m3u8` (also by rename), so a reader never sees ffmpeg's stamps. A publisher
 * who returns gets a new ffmpeg run appending to the published playlist: segments published
 * before keep their stamps.
 */
export class PlaylistPublisher {
  private readonly log = new Logger('PlaylistPublisher');
  private watcher?: FSWatcher;
  private syncing: Promise<void> = Promise.resolve();
  /** How late ffmpeg's stamps of this run are; unknown until the run's first segment completes. */
  private offsetMs?: number;
  /** No media reached ffmpeg before this: no segment of this run can start earlier. */
  private resumedAtMs = 0;
  /** When the first packet was sent to ffmpeg: the start of this run's media. */
  private firstPacketAtMs?: number;
  /** Segments in the last published playlist: a reader never sees the playlist shrink. */
  private publishedSegments = 0;

  private constructor(
    private readonly dir: string,
    /** Start of each segment published before this run (a publisher who returned). */
    private readonly kept: Map<string, number>,
  ) {}

  /** Before ffmpeg starts: ffmpeg appends (append_list) to a copy of what was published. */
  static async open(dir: string): Promise<PlaylistPublisher> {
    const published = await readFile(join(dir, PLAYLIST), 'utf8').catch(() => '');
    if (published) await writeFile(join(dir, FFMPEG_PLAYLIST), published);
    else await rm(join(dir, FFMPEG_PLAYLIST), { force: true });
    const segments = stampedSegments(published);
    const publisher = new PlaylistPublisher(dir, new Map(segments.map((s) => [s.uri, s.startMs])));
    publisher.publishedSegments = segments.length;
    return publisher;
  }

  /** The file ffmpeg is to write. */
  get ffmpegPlaylist(): string {
    return join(this.dir, FFMPEG_PLAYLIST);
  }

  /** Publishes each playlist ffmpeg writes, as soon as it is renamed into place. */
  watch(): void {
    this.watcher = watch(this.dir, (_event, name) => {
      if (name === FFMPEG_PLAYLIST) this.syncing = this.syncing.then(() => this.publish(false));
    });
    this.watcher.on('error', (err) => this.log.warn(`watching ${this.dir}: ${err.message}`));
  }

  /** Called just before the Consumers resume: the media starts no earlier. */
  mediaFlowing(at = Date.now()): void {
    this.resumedAtMs = at;
  }

  /** A Consumer sent its first packet to ffmpeg at `at`; the media starts with the first of them. */
  mediaStarted(at: number): void {
    this.firstPacketAtMs = Math.min(at, this.firstPacketAtMs ?? at);
  }

  /** After ffmpeg exited: the final playlist (for the caller to finalise), or '' if none. */
  async close(): Promise<string> {
    this.watcher?.close();
    await this.syncing;
    const text = await this.restamped(true);
    await rm(this.ffmpegPlaylist, { force: true });
    return text ?? '';
  }

  /** After ffmpeg exited: publishes the final playlist as VOD (the replay), or '' if there was none. */
  async finish(): Promise<string> {
    const text = await this.close();
    if (!text) return '';
    const vod = finalizePlaylist(text);
    await this.write(vod);
    return vod;
  }

  /** index.m3u8 replaced by a rename: a reader never sees half of it. */
  private async write(text: string): Promise<void> {
    const tmp = join(this.dir, `${PLAYLIST}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(this.dir, PLAYLIST));
  }

  private async publish(final: boolean): Promise<void> {
    try {
      const text = await this.restamped(final);
      if (text !== undefined) await this.write(text);
    } catch (err) {
      this.log.warn(`publishing the playlist in ${this.dir}: ${(err as Error).message}`);
    }
  }

  /** ffmpeg's playlist restamped, or undefined when there is nothing (new) to publish. */
  private async restamped(final: boolean): Promise<string | undefined> {
    const text = await readFile(this.ffmpegPlaylist, 'utf8').catch(() => '');
    if (!text.endsWith('\n')) return undefined;
    // ffmpeg writes its trailer (and the last segment) only when it exits.
    final ||= /^#EXT-X-ENDLIST/m.test(text);
    const segments = stampedSegments(text);
    if (!final && segments.length < this.publishedSegments) return undefined;
    const fresh = segments.filter((s) => !this.kept.has(s.uri));
    if (this.offsetMs === undefined && fresh.length > 0) this.offsetMs = await this.measureOffset(fresh[0], final && fresh.length === 1);
    this.publishedSegments = segments.length;
    return restampPlaylist(text, (s) => this.kept.get(s.uri) ?? s.startMs - (this.offsetMs ?? 0));
  }

  /**
   * How much earlier the run's first segment really started than ffmpeg stamped it: it started
   * with the first packet (the Consumers' resumption if no trace came), and not so late that it
   * would end after its file was complete, unless ffmpeg wrote it only when it exited (after
   * its input timed out): then its file's time says nothing of the media.
   */
  private async measureOffset(first: StampedSegment, writtenAtExit: boolean): Promise<number> {
    const completedMs = writtenAtExit ? undefined : (await stat(join(this.dir, first.uri)).catch(() => undefined))?.mtimeMs;
    let start = Math.max(this.resumedAtMs, this.firstPacketAtMs ?? 0);
    if (completedMs !== undefined) start = Math.min(start, completedMs - first.durationMs);
    const offset = Number.isNaN(first.startMs) || !(start > 0) ? 0 : Math.max(0, first.startMs - start);
    this.log.debug(`ffmpeg's stamps in ${this.dir} are ${Math.round(offset)} ms late`);
    return offset;
  }
}
