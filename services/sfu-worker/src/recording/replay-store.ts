import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where broadcasts are recorded (HLS: `index.m3u8` + segments per broadcast). The directory
 * store is the default; an object store later records into a local staging directory and
 * uploads it in `commit`.
 */
export interface ReplayStore {
  /** A local directory for the broadcast's playlist and segments (created when missing). */
  dirFor(broadcastId: string): Promise<string>;
  /** The playlist's path inside the store, as published in RecordingFinished. */
  playlistKey(broadcastId: string): string;
  /** The recording in `dirFor` is final (a VOD playlist): make it durable. */
  commit(broadcastId: string): Promise<void>;
  /** Deletes the broadcast's replay (after its 24 hours). */
  remove(broadcastId: string): Promise<void>;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class DirectoryReplayStore implements ReplayStore {
  constructor(private readonly root: string) {}

  async dirFor(broadcastId: string): Promise<string> {
    const dir = this.path(broadcastId);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  playlistKey(broadcastId: string): string {
    this.path(broadcastId);
    return `${broadcastId}/index.m3u8`;
  }

  async commit(): Promise<void> {
    // Files in a directory are durable as they are.
  }

  async remove(broadcastId: string): Promise<void> {
    await rm(this.path(broadcastId), { recursive: true, force: true });
  }

  private path(broadcastId: string): string {
    // Ids come from signed tickets, still: never let one name a path outside the store.
    if (!SAFE_ID.test(broadcastId)) throw new Error(`"${broadcastId}" is not a broadcast id usable as a folder name`);
    return join(this.root, broadcastId);
  }
}
