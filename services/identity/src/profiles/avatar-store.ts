import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config.js';

/** Images we accept, recognised by their first bytes (the declared type must match them). */
const SIGNATURES: Array<{ type: string; matches: (b: Buffer) => boolean }> = [
  { type: 'image/png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/webp', matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

export const AVATAR_TYPES = SIGNATURES.map((s) => s.type);

/** The image type of `bytes`, or undefined when it is none we accept. */
export function sniffImageType(bytes: Buffer): string | undefined {
  return SIGNATURES.find((s) => bytes.length >= 12 && s.matches(bytes))?.type;
}

/**
 * Avatars as files in a directory (one per account, named by account id, so no user input
 * reaches a path). Writes go to a temp file and are renamed into place: a reader never sees
 * half an image. An object store can replace this class behind the same methods.
 */
@Injectable()
export class AvatarStore {
  private readonly dir: string;
  constructor(@Inject(IDENTITY_CONFIG) config: IdentityConfig) {
    this.dir = resolve(config.avatars.dir);
  }

  async save(accountId: string, bytes: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${accountId}.${process.pid}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, this.path(accountId));
  }

  read(accountId: string): Promise<Buffer> {
    return readFile(this.path(accountId));
  }

  async remove(accountId: string): Promise<void> {
    await rm(this.path(accountId), { force: true });
  }

  private path(accountId: string) {
    if (!/^[0-9a-f-]{36}$/.test(accountId)) throw new Error('not an account id');
    return join(this.dir, accountId);
  }
}
