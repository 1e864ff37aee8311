import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** Names the API accepts inside a replay: the playlist and flat HLS segment files, nothing else. */
export const PLAYLIST = 'index.m3u8';
const SEGMENT = /^[A-Za-z0-9_-]{1,64}\.(ts|m4s|mp4|aac)$/;
const BROADCAST = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isReplayFileName = (name: string) => name === PLAYLIST || SEGMENT.test(name);

/**
 * Where the SFU's recordings live: `<broadcastId>/index.m3u8` plus its segments. A directory
 * (a volume shared with sfu-worker) today; the interface leaves room for an object store.
 */
export interface ReplayStore {
  /** The file, or undefined when it does not exist. `name` must pass isReplayFileName. */
  open(broadcastId: string, name: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Deletes every file of the replay; idempotent. */
  remove(broadcastId: string): Promise<void>;
}

export const REPLAY_STORE = Symbol('ReplayStore');

export class DirectoryReplayStore implements ReplayStore {
  constructor(private readonly root: string) {}

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
