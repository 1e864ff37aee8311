import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * The replay layout both sides agree on: `<broadcastId>/index.m3u8` plus flat HLS segment
 * files. sfu-worker records into it (ReplayWriter); stream-sessions serves the files and
 * deletes them after 24 hours (ReplayReader). A directory (a volume both mount) today; an
 * object store later records into a local staging directory and uploads it in `commit`.
 */
export const PLAYLIST = 'index.m3u8';
const SEGMENT = /^[A-Za-z0-9_-]{1,64}\.(ts|m4s|mp4|aac)$/;
const BROADCAST = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Names allowed inside a replay: the playlist and flat segment files, nothing else. */
export const isReplayFileName = (name: string) => name === PLAYLIST || SEGMENT.test(name);

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  aac: 'audio/aac',
};

/** The content type of a name that passed isReplayFileName (live or replayed, the files are the same). */
export const replayContentType = (name: string) => CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)];

/** The recording side (the SFU node hosting the publisher). */
export interface ReplayWriter {
  /** A local directory for the broadcast's playlist and segments (created when missing). */
  dirFor(broadcastId: string): Promise<string>;
  /** The playlist's path inside the store, as published in RecordingFinished. */
  playlistKey(broadcastId: string): string;
  /** The recording in `dirFor` is final (a VOD playlist): make it durable. */
  commit(broadcastId: string): Promise<void>;
}

/** The serving side (stream-sessions). */
export interface ReplayReader {
  /** The file, or undefined when it does not exist. `name` must pass isReplayFileName. */
  open(broadcastId: string, name: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Deletes every file of the replay; idempotent. */
  remove(broadcastId: string): Promise<void>;
}

export class DirectoryReplayStore implements ReplayWriter, ReplayReader {
  constructor(private readonly root: string) {}

  async dirFor(broadcastId: string): Promise<string> {
    const dir = this.path(broadcastId);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  playlistKey(broadcastId: string): string {
    this.path(broadcastId);
    return `${broadcastId}/${PLAYLIST}`;
  }

  async commit(): Promise<void> {
    // Files in a directory are durable as they are.
  }

  async open(broadcastId: string, name: string) {
    const path = this.path(broadcastId, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { stream: createReadStream(path), size: info.size };
  }

  async remove(broadcastId: string): Promise<void> {
    await rm(this.path(broadcastId), { recursive: true, force: true });
  }

  /** Every path is built from validated names only: nothing can point outside the root. */
  private path(broadcastId: string, name?: string): string {
    if (!BROADCAST.test(broadcastId) || (name !== undefined && !isReplayFileName(name))) {
      throw new Error(`not a replay path: ${broadcastId}/${name ?? ''}`);
    }
    return name === undefined ? join(this.root, broadcastId) : join(this.root, broadcastId, name);
  }
}
