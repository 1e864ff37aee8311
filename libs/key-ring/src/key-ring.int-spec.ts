import { TestContext } from '@onair/testing';
import { jwtVerify, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { KeyRing, keyRingTableSql } from './key-ring.js';

describe('KeyRing: an Ed25519 key ring in PostgreSQL with JWKS, rotation and publish-ahead', () => {
  const ctx = TestContext.create('key_ring');
  let dataSource: DataSource;
  const ring = (publishAheadSeconds: number) =>
    new KeyRing({ dataSource, table: 'test_key', lockName: `${ctx.id}:keys`, rotationHours: 24, publishAheadSeconds, cacheSeconds: 0, retainSeconds: 60 });

  beforeAll(async () => {
    const schema = ctx.schema('keys');
    dataSource = new DataSource({ type: 'postgres', url: ctx.infra.pgUrl, schema, extra: { options: `-c search_path=${schema}` } });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    await dataSource.query(keyRingTableSql('test_key'));
    ctx.onCleanup(() => dataSource.destroy());
  });
  afterAll(() => ctx.cleanup());

  const sign = async (keys: KeyRing) => {
    const key = await keys.signingKey();
    return new SignJWT({}).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).setExpirationTime('1m').sign(key.privateKey);
  };

  it('creates one key on the first start only, and verifies what it signs', async () => {
    const keys = ring(0);
    await keys.start();
    await ring(0).start();
    keys.stop();
    expect(await keys.publicKeys()).toHaveLength(1);
    expect((await keys.publicKeys())[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect((await keys.publicKeys())[0].d).toBeUndefined();
    await expect(jwtVerify(await sign(keys), keys.keySource())).resolves.toBeDefined();
  });

  it('publishes a rotated key ahead of signing with it, and keeps the old one published', async () => {
    const keys = ring(3600);
    const before = (await keys.signingKey()).kid;
    const next = await keys.rotate();
    expect((await keys.publicKeys()).map((k) => k.kid)).toEqual(expect.arrayContaining([before, next]));
    expect((await keys.signingKey()).kid).toBe(before);
    const now = await ring(0).rotate();
    expect((await keys.signingKey()).kid).toBe(now);
    await expect(jwtVerify(await sign(keys), keys.keySource())).resolves.toBeDefined();
    expect(() => new KeyRing({ dataSource, table: 'x; DROP TABLE y', lockName: 'l', rotationHours: 1, publishAheadSeconds: 0, cacheSeconds: 0, retainSeconds: 0 })).toThrow(/identifier/);
  });
});
