import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryReplayStore, isReplayFileName } from './index.js';

describe('DirectoryReplayStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'onair-replay-store-'));
  const store = new DirectoryReplayStore(root);

  it('records into <id>/, serves the playlist and segments, and removes them all', async () => {
    const id = randomUUID();
    const dir = await store.dirFor(id);
    expect(dir).toBe(join(root, id));
    expect(store.playlistKey(id)).toBe(`${id}/index.m3u8`);
    writeFileSync(join(dir, 'index.m3u8'), '#EXTM3U\n');
    writeFileSync(join(dir, 'segment-00000.ts'), Buffer.alloc(188));
    expect((await store.open(id, 'segment-00000.ts'))?.size).toBe(188);
    expect(await store.open(id, 'segment-00001.ts')).toBeUndefined();
    await store.remove(id);
    await store.remove(id); // idempotent
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses any id or name that could leave the store', async () => {
    for (const id of ['..', '../etc', 'not-a-uuid', `${randomUUID()}/..`]) {
      await expect(store.dirFor(id)).rejects.toThrow('not a replay path');
      await expect(store.remove(id)).rejects.toThrow('not a replay path');
    }
    for (const name of ['../index.m3u8', 'a/b.ts', 'passwd', '.ts']) expect(isReplayFileName(name)).toBe(false);
    await expect(store.open(randomUUID(), '../x.ts')).rejects.toThrow('not a replay path');
  });
});
