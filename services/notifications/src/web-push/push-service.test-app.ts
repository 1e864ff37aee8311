// Test-only: a browser vendor's push service on 127.0.0.1 (HTTPS, the one thing outside OnAir
// a test fakes), and a browser's side of a subscription. The push service checks what a real
// one checks: the VAPID JWT (ES256 with the key in `k`, audience its own origin, not expired,
// a subject) and RFC 8291 aes128gcm content, which it decrypts with the subscriber's keys.
import { selfIssuedTlsFiles, type TestContext } from '@onair/testing';
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- http_ece ships no types
const ece = require('http_ece') as { decrypt(body: Buffer, params: { version: string; privateKey: ECDH; authSecret: string }): Buffer };

/** A browser's subscription: its keys stay here, the endpoint and public parts go to the server. */
export interface Browser {
  endpoint: string;
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
  ecdh: ECDH;
  auth: string;
}

export interface Delivered {
  path: string;
  vapidKey: string;
  claims: { aud: string; exp: number; sub: string };
  ttl: string;
  payload: Record<string, unknown>;
}

export interface PushService {
  origin: string;
  host: string;
  caFile: string;
  delivered: Delivered[];
  refused: string[];
  /** A subscribed browser; `answer` is what the push service says to pushes for it (410: gone). */
  browser(answer?: number): Browser;
}

const b64u = (b: Buffer) => b.toString('base64url');

function verifyVapid(header: string | undefined, origin: string): { vapidKey: string; claims: Delivered['claims'] } {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`not a VAPID authorization: ${header}`);
  const [h, p, s] = m[1].split('.');
  const point = Buffer.from(m[2], 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' });
  if (JSON.parse(Buffer.from(h, 'base64url').toString()).alg !== 'ES256') throw new Error('not ES256');
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) throw new Error('bad VAPID signature');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Delivered['claims'];
  const now = Date.now() / 1000;
  if (claims.aud !== origin) throw new Error(`audience ${claims.aud}, expected ${origin}`);
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error('expired, or valid more than 24 h');
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new Error('no subject');
  return { vapidKey: m[2], claims };
}

export async function startPushService(ctx: Pick<TestContext, 'onCleanup'>): Promise<PushService> {
  const tls = selfIssuedTlsFiles(mkdtempSync(join(tmpdir(), 'onair-push-')), 'push.test', 'serverAuth');
  const browsers = new Map<string, { ecdh: ECDH; auth: string; answer: number }>();
  const delivered: Delivered[] = [];
  const refused: string[] = [];
  let origin = '';
  const server: Server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const b = browsers.get(req.url ?? '');
      try {
        if (!b) throw new Error(`no subscription at ${req.url}`);
        const { vapidKey, claims } = verifyVapid(req.headers.authorization, origin);
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`);
        const payload = JSON.parse(ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: b.ecdh, authSecret: b.auth }).toString()) as Record<string, unknown>;
        if (b.answer === 201) delivered.push({ path: req.url!, vapidKey, claims, ttl: String(req.headers.ttl), payload });
        res.writeHead(b.answer).end();
      } catch (err) {
        refused.push((err as Error).message);
        res.writeHead(400).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ctx.onCleanup(() => new Promise((r) => server.close(r)));
  const host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  origin = `https://${host}`;
  return {
    origin,
    host,
    caFile: tls.caFile,
    delivered,
    refused,
    browser(answer = 201) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = b64u(randomBytes(16));
      const path = `/push/${b64u(randomBytes(12))}`;
      browsers.set(path, { ecdh, auth, answer });
      const endpoint = `${origin}${path}`;
      return { endpoint, ecdh, auth, json: { endpoint, keys: { p256dh: b64u(ecdh.getPublicKey()), auth } } };
    },
  };
}
