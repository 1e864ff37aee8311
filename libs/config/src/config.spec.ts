import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { findProtoDir, parseEnv } from './index.js';

describe('parseEnv', () => {
  const Env = z.object({ PORT: z.coerce.number().int().min(1), NAME: z.string().min(1), MODE: z.enum(['a', 'b']).default('a') });

  it('returns the parsed values with defaults', () => {
    expect(parseEnv('svc', Env, { PORT: '80', NAME: 'x' })).toEqual({ PORT: 80, NAME: 'x', MODE: 'a' });
  });

  it('names the service and every bad variable in one error', () => {
    expect(() => parseEnv('svc', Env, { PORT: '0', MODE: 'c' })).toThrow(/^svc: invalid configuration: PORT: .+; NAME: .+; MODE: .+/);
  });
});

describe('findProtoDir', () => {
  it('finds the proto folder above the starting folder, else falls back three levels up', () => {
    const root = mkdtempSync(join(tmpdir(), 'onair-proto-'));
    mkdirSync(join(root, 'proto/onair/x/v1'), { recursive: true });
    writeFileSync(join(root, 'proto/onair/x/v1/x.proto'), 'syntax = "proto3";');
    const deep = join(root, 'services/x/dist/src');
    mkdirSync(deep, { recursive: true });
    expect(findProtoDir('onair/x/v1/x.proto', deep)).toBe(join(root, 'proto'));
    expect(findProtoDir('onair/none.proto', deep)).toBe(join(root, 'services/proto'));
  });
});
