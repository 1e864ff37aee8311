import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { findProtoDir, kafkaConfig, localStateDir, kafkaEnv, observabilityEnv, parseEnv, postgresConfig, postgresEnv } from './index.js';

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

describe('localStateDir', () => {
  it('is .onair/<part> of the checkout above the starting folder, never the working directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'onair-repo-'));
    writeFileSync(join(root, 'nx.json'), '{}');
    writeFileSync(join(root, 'package.json'), '{}');
    const deep = join(root, 'services/x/dist/src');
    mkdirSync(deep, { recursive: true });
    expect(localStateDir('x/files', deep)).toBe(join(root, '.onair/x/files'));
    expect(localStateDir('x/files', tmpdir())).toBe('/var/lib/onair/x/files');
  });
});

describe('the shared variables', () => {
  const Env = z.object({ ...postgresEnv('svc'), ...kafkaEnv, ...observabilityEnv });

  it('parse into the config objects services pass on', () => {
    const e = parseEnv('svc', Env, { DATABASE_URL: 'postgres://u:p@h:5432/d', KAFKA_BROKERS: 'a:1, b:2' });
    expect(postgresConfig(e)).toEqual({ url: 'postgres://u:p@h:5432/d', schema: 'svc', poolMin: 10 });
    expect(kafkaConfig(e)).toEqual({ brokers: ['a:1', 'b:2'], topicPrefix: '', defaultPartitions: 6 });
    expect(e.LOG_LEVEL).toBe('info');
  });

  it('refuses a bad schema name, topic prefix and log level', () => {
    expect(() =>
      parseEnv('svc', Env, { DATABASE_URL: 'postgres://h/d', DATABASE_SCHEMA: 'Bad-Name', KAFKA_BROKERS: 'a:1', KAFKA_TOPIC_PREFIX: 'a b', LOG_LEVEL: 'loud' }),
    ).toThrow(/DATABASE_SCHEMA: .+; KAFKA_TOPIC_PREFIX: .+; LOG_LEVEL: /);
  });

  it('keeps DATABASE_POOL_MIN within the pool', () => {
    const env = (min: string) => ({ DATABASE_URL: 'postgres://h/d', KAFKA_BROKERS: 'a:1', DATABASE_POOL_MIN: min });
    expect(postgresConfig(parseEnv('svc', Env, env('0'))).poolMin).toBe(0);
    expect(postgresConfig(parseEnv('svc', Env, env('4'))).poolMin).toBe(4);
    for (const bad of ['11', '-1', '2.5', 'all']) expect(() => parseEnv('svc', Env, env(bad))).toThrow(/DATABASE_POOL_MIN: /);
  });
});
