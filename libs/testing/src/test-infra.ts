import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the infrastructure started by `tools/onair infra up` listens. */
export interface TestInfra {
  repoRoot: string;
  pgUrl: string;
  kafkaBrokers: string[];
  esUrl: string;
  mediasoupWorkerBin?: string;
  chromiumBin?: string;
  ffmpegBin?: string;
  /** The WebRTC load client and its LiveKit clip (`tools/onair infra up loadclient`). */
  loadclientBin?: string;
  loadclientClip?: string;
  /** LiveKit server, the peer SFU (`tools/onair infra up livekit`); tests start their own. */
  livekitBin?: string;
  /** The local internal CA and per-service certificates (`tools/onair infra up pki`). */
  pkiDir: string;
}

export const repoRoot = resolve(__dirname, '../../..');

/** Reads `.onair/env` (written by `tools/onair infra up`); the process env wins. */
function readEnvFile(): Record<string, string> {
  const file = join(repoRoot, '.onair', 'env');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

export function testInfra(): TestInfra {
  const env = { ...readEnvFile(), ...process.env };
  const need = (key: string) => {
    const value = env[key];
    if (!value) throw new Error(`${key} is not set: start the infrastructure with "tools/onair infra up"`);
    return value;
  };
  return {
    repoRoot,
    pgUrl: need('ONAIR_PG_URL'),
    kafkaBrokers: need('ONAIR_KAFKA_BROKERS').split(','),
    esUrl: need('ONAIR_ES_URL'),
    mediasoupWorkerBin: env.MEDIASOUP_WORKER_BIN,
    chromiumBin: env.ONAIR_CHROMIUM_BIN,
    ffmpegBin: env.ONAIR_FFMPEG_BIN,
    loadclientBin: env.ONAIR_LOADCLIENT_BIN,
    loadclientClip: env.ONAIR_LOADCLIENT_CLIP,
    livekitBin: env.ONAIR_LIVEKIT_BIN,
    pkiDir: need('ONAIR_PKI_DIR'),
  };
}

/** INTERNAL_TLS_* for a service: its identity between services, from the local internal CA. */
export function serviceTlsEnv(infra: Pick<TestInfra, 'pkiDir'>, service: string): Record<string, string> {
  return {
    INTERNAL_TLS_CA: join(infra.pkiDir, 'ca.crt'),
    INTERNAL_TLS_CERT: join(infra.pkiDir, `${service}.crt`),
    INTERNAL_TLS_KEY: join(infra.pkiDir, `${service}.key`),
  };
}

/**
 * A certificate for `name` (DNS name and 127.0.0.1) issued by a CA of its own, written to `dir`
 * (needs openssl): `clientAuth`, what an impostor would present to an internal API; or
 * `serverAuth`, for a local stand-in of a service outside the platform (a push service).
 */
export function selfIssuedTlsFiles(dir: string, name: string, usage: 'clientAuth' | 'serverAuth'): { caFile: string; certFile: string; keyFile: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key');
  run('req', '-x509', '-new', '-key', 'ca.key', '-days', '2', '-subj', `/CN=${name} test CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-out', 'ca.crt');
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'svc.key');
  run('req', '-new', '-key', 'svc.key', '-subj', `/CN=${name}`, '-out', 'svc.csr');
  writeFileSync(join(dir, 'ext'), `subjectAltName=DNS:${name},IP:127.0.0.1\nextendedKeyUsage=${usage}\n`);
  run('x509', '-req', '-in', 'svc.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext', '-out', 'svc.crt');
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'svc.crt'), keyFile: join(dir, 'svc.key') };
}

/** A certificate for `service` issued by a CA of its own: what an impostor would present to an internal API. */
export const rogueServiceTlsFiles = (dir: string, service: string) => selfIssuedTlsFiles(dir, service, 'clientAuth');
