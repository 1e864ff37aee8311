// The facts `tools/onair infra up` records in .onair/env (binaries, URLs); the environment wins.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

export function localEnv(name: string): string {
  const file = join(process.env.ONAIR_STATE ?? join(repoRoot, '.onair'), 'env');
  const recorded = existsSync(file) ? new RegExp(`^${name}=(.*)$`, 'm').exec(readFileSync(file, 'utf8'))?.[1] : undefined;
  const value = process.env[name] ?? recorded;
  if (!value) throw new Error(`${name} is not set: run "tools/onair infra up"`);
  return value;
}
