// `tools/onair images`: reproducible OCI images that run under runc against the local
// PostgreSQL and Kafka, push to and pull from a registry, and match the Dockerfiles beside them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freePorts, repoRoot, TestContext } from '@onair/testing';
import { buildImages, commandOf, imageConfig, layoutDigest, run, runImage, stdoutOf, uidOf, waitReady, type RunningContainer } from './oci-runtime.test-app';

const APP_UID = 10001;
// Built twice (reproducibility); every image is built once and run.
const TWICE = ['identity', 'sfu-worker'];
const ALL = ['identity', 'social-graph', 'stream-sessions', 'sfu-worker', 'chat', 'discovery', 'notifications', 'ops', 'edge', 'web'];
// Where the charts mount each service's internal TLS files (deploy/helm/*/templates/deployment.yaml).
const TLS_DIR = '/etc/onair/tls';

describe('tools/onair images', () => {
  const ctx = TestContext.create('images');
  let first: Record<string, { digest: string; size: string }>;
  const containers: RunningContainer[] = [];

  beforeAll(() => {
    first = buildImages(ALL);
  }, 900_000);

  afterAll(async () => {
    for (const c of containers) await c.stop();
    await ctx.cleanup();
  }, 120_000);

  const start = (tag: string, env: Record<string, string>, opts?: Parameters<typeof runImage>[3]) => {
    const c = runImage(tag, `${ctx.id}-${tag}`.replace(/_/g, '-'), env, opts);
    containers.push(c);
    return c;
  };

  // Each service's CA, certificate and key from the local internal CA, readable by the app user
  // (the originals are root's own), as the charts' secret volume holds them.
  const tlsFilesFor = (names: string[]): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const name of names) {
      const dir = mkdtempSync(join(tmpdir(), `onair-tls-${name}-`));
      for (const f of ['ca.crt', `${name}.crt`, `${name}.key`]) {
        copyFileSync(join(ctx.infra.pkiDir, f), join(dir, f));
        chownSync(join(dir, f), APP_UID, APP_UID);
      }
      chmodSync(dir, 0o755);
      ctx.onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
      out[name] = dir;
    }
    return out;
  };

  const dbEnv = (service: string) => ({
    DATABASE_URL: ctx.infra.pgUrl,
    DATABASE_SCHEMA: ctx.schema(service.replace(/-/g, '_')),
    KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
    LOG_LEVEL: 'warn',
  });

  it('gives the same digests when the same inputs are built twice', () => {
    const second = buildImages(TWICE);
    console.log(`images: ${ALL.map((n) => `${n} ${first[n].digest} (${first[n].size} compressed)`).join(', ')}`);
    for (const name of TWICE) {
      expect(first[name]?.digest).toMatch(/^sha256:/);
      expect(second[name].digest).toBe(first[name].digest);
    }
  }, 600_000);

  let identityUrl = '';
  it('runs identity under runc as uid 10001, ready against PostgreSQL and Kafka', async () => {
    const port = await freePort();
    identityUrl = `http://127.0.0.1:${port}`;
    const c = start('identity', { ...dbEnv('identity'), HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), AVATAR_DIR: '/tmp/avatars' });
    const res = await waitReady(c, `http://127.0.0.1:${port}/readyz`);
    expect(await res.json()).toMatchObject({ checks: { postgres: true, kafka: true } });
    const node = c.pids().find((pid) => commandOf(pid).includes('services/identity/dist/src/main.js'));
    expect(node && uidOf(node)).toBe(APP_UID);
    // The account API works for real: migrations ran in the suite's schema.
    const signup = await fetch(`http://127.0.0.1:${port}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: `img_${Date.now() % 1e8}`, email: `img${Date.now()}@example.org`, password: 'pw-images-0123456789' }),
    });
    expect(signup.status).toBe(201);
  }, 180_000);

  it('runs sfu-worker under runc with the mediasoup worker inside and ffmpeg present', async () => {
    const port = await freePort();
    const rtc = await freePorts(1);
    const c = start('sfu-worker', {
      ...dbEnv('sfu-worker'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      MEDIA_TICKET_JWKS_URL: `http://127.0.0.1:${port}/.well-known/none.json`,
      SFU_RTC_PORT_BASE: String(rtc),
      SFU_RELAY_TLS_PORT: String(await freePort()),
      SFU_WORKERS: '1',
      SFU_NODE_ID: `${ctx.id}-node`,
      REPLAY_DIR: '/tmp/replays',
    });
    await waitReady(c, `http://127.0.0.1:${port}/readyz`);
    const worker = c.pids().find((pid) => commandOf(pid).includes('mediasoup-worker'));
    expect(worker).toBeDefined();
    expect(uidOf(worker!)).toBe(APP_UID);
    expect(imageConfig('sfu-worker').Env).toContain('HTTP_HOST=0.0.0.0');
    // Debian's ffmpeg and all its libraries resolve inside the image (FFMPEG_BIN's default).
    const ff = spawnSync('runc', ['exec', c.id, '/usr/bin/ffmpeg', '-hide_banner', '-version'], { encoding: 'utf8' });
    expect(ff.status).toBe(0);
    expect(ff.stdout).toMatch(/^ffmpeg version 5\./);
  }, 180_000);

  it('runs every other service under runc, each ready against the local infrastructure', async () => {
    expect(identityUrl).not.toBe('');
    // The services the charts give internal TLS files (gRPC servers and their clients).
    const tls = tlsFilesFor(['social-graph', 'stream-sessions', 'discovery', 'notifications', 'ops']);
    const [sg, ss, chat, discovery, notifications, ops, edge, web] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
    const [sgGrpc, ssGrpc, edgeInternal, webInternal] = await Promise.all(Array.from({ length: 4 }, () => freePort()));
    const common = (name: string, port: number) => ({
      ...dbEnv(name),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      AUTH_JWKS_URL: `${identityUrl}/.well-known/jwks.json`,
      ELASTICSEARCH_URL: ctx.infra.esUrl,
      DISCOVERY_INDEX_PREFIX: ctx.indexPrefix,
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${sgGrpc}`,
      STREAM_SESSIONS_GRPC_URL: `127.0.0.1:${ssGrpc}`,
      MEDIA_TICKET_JWKS_URL: `http://127.0.0.1:${ss}/.well-known/media-jwks.json`,
      REPLAY_DIR: '/tmp/replays',
      ...(tls[name] ? { INTERNAL_TLS_CA: `${TLS_DIR}/ca.crt`, INTERNAL_TLS_CERT: `${TLS_DIR}/${name}.crt`, INTERNAL_TLS_KEY: `${TLS_DIR}/${name}.key` } : {}),
    });
    const services: Array<[string, number, Record<string, string>]> = [
      ['social-graph', sg, { GRPC_PORT: String(sgGrpc) }],
      ['stream-sessions', ss, { GRPC_PORT: String(ssGrpc) }],
      ['chat', chat, {}],
      ['discovery', discovery, {}],
      ['notifications', notifications, {}],
      ['ops', ops, {}],
      ['edge', edge, { EDGE_INTERNAL_PORT: String(edgeInternal), EDGE_SERVICES: `identity=${identityUrl}`, EDGE_ROUTES: '/v1/accounts=identity' }],
      // As deploy/helm/web configures it: no route of its own, only the client's files.
      ['web', web, { EDGE_INTERNAL_PORT: String(webInternal), EDGE_SERVICES: '{}', EDGE_ROUTES: '{}' }],
    ];
    await Promise.all(
      services.map(async ([name, port, env]) => {
        const c = start(name, { ...common(name, port), ...env }, { mounts: tls[name] ? { [tls[name]]: TLS_DIR } : {} });
        const readyz = name === 'edge' ? edgeInternal : name === 'web' ? webInternal : port;
        await waitReady(c, `http://127.0.0.1:${readyz}/readyz`, 120_000);
        const node = c.pids().find((pid) => commandOf(pid).includes('/dist/src/main.js'));
        expect([name, node && uidOf(node)]).toEqual([name, APP_UID]);
      }),
    );
    // The web image serves the client's build from /srv/web; the edge image serves none.
    const asPage = { headers: { accept: 'text/html' } };
    const page = await fetch(`http://127.0.0.1:${web}/`, asPage);
    expect([page.status, (await page.text()).includes('<html')]).toEqual([200, true]);
    expect((await fetch(`http://127.0.0.1:${edge}/`, asPage)).status).toBe(404);
  }, 300_000);

  it('pushes an image to a registry and pulls it back with the same digest', async () => {
    // On an empty cache this builds the registry, and the build's progress lines go to stderr.
    const registryBin = stdoutOf('bash', ['-c', 'source tools/lib/common.sh && source tools/lib/images.sh && images_registry_bin']).trim().split('\n').pop()!;
    const dir = mkdtempSync(join(tmpdir(), 'onair-registry-'));
    const port = await freePort();
    writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    const registry: ChildProcess = spawn(registryBin, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 30_000;
      while (!(await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error('registry did not answer /v2/ within 30 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      run(join(repoRoot, 'tools/onair'), ['images', 'push', `127.0.0.1:${port}`, 'identity'], { ONAIR_IMAGE_TAG: 'test', IMAGES_TLS_VERIFY: 'false' });
      const pulled = join(dir, 'pulled');
      run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://127.0.0.1:${port}/onair/identity:test`, `oci:${pulled}:identity`]);
      expect(layoutDigest(pulled, 'identity')).toBe(first.identity.digest);
    } finally {
      registry.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  // The Dockerfiles cannot be built here (no Docker): they must at least describe the same image.
  it.each(ALL)('has a Dockerfile for %s with the OCI config\'s user, entrypoint and port', (name) => {
    const file = join(repoRoot, 'deploy/docker', `${name}.Dockerfile`);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    const config = imageConfig(name);
    expect(text).toContain(`USER ${config.User}`);
    expect(text).toContain(`ENTRYPOINT ${JSON.stringify(config.Entrypoint).replace(/,/g, ', ')}`);
    expect(text).toContain(`EXPOSE ${Object.keys(config.ExposedPorts)[0].replace('/tcp', '')}`);
    expect(text).toContain(`WORKDIR ${config.WorkingDir}`);
  });
});
