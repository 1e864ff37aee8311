import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  internalTlsConfig,
  internalTlsEnv,
  type InternalTlsFiles,
  type KafkaConfig,
  kafkaConfig,
  kafkaEnv,
  localStateDir,
  type LogLevel,
  observabilityEnv,
  parseEnv,
} from '@onair/config';

const Port = z.coerce.number().int().min(0).max(65535);
const Ip = z.union([z.ipv4(), z.ipv6()]);

const Env = z.object({
  HTTP_PORT: Port.default(7104),
  /** Where signalling (and, without internal TLS, relays) listen: loopback on a laptop, 0.0.0.0 in a pod. */
  HTTP_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
  ...kafkaEnv,
  /** stream-sessions' JWKS: the keys that sign media tickets. */
  MEDIA_TICKET_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** This node's name in media tickets and load reports. */
  SFU_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/)
    .optional(),
  /** mediasoup Workers (one process each, one core each). */
  SFU_WORKERS: z.coerce.number().int().min(1).max(256).optional(),
  /** Worker i's WebRtcServer listens on UDP and TCP port SFU_RTC_PORT_BASE + i. */
  SFU_RTC_PORT_BASE: z.coerce.number().int().min(1024).max(65000).default(40000),
  SFU_LISTEN_IP: Ip.default('127.0.0.1'),
  /** The address in ICE candidates: the node's public (or pod host) address. */
  SFU_ANNOUNCED_IP: Ip.default('127.0.0.1'),
  /**
   * A Router never carries more Consumers than this (recording and pipe consumers included);
   * past it a room grows onto a piped Router of another worker of this node.
   */
  SFU_MAX_CONSUMERS_PER_ROUTER: z.coerce.number().int().min(1).max(100_000).default(500),
  /**
   * Other nodes relaying a broadcast from one Router (2 pipe consumers each). Outside the cap
   * above: one relay serves a whole node of viewers, so it must not be refused for want of a slot
   * a single viewer took.
   */
  SFU_MAX_RELAYS_PER_ROUTER: z.coerce.number().int().min(0).max(10_000).default(32),
  /**
   * Key-frame requests forwarded to a publisher: one per this delay on average, per Producer
   * over all its streams, up to 3 saved for viewers joining together, at least 350 ms apart
   * (mediasoup keyFrameRequestDelay, as OnAir's worker patch spends it). 0: every request.
   */
  SFU_KEYFRAME_REQUEST_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /**
   * A viewer who starts within this long of a stream's last key frame is sent that key frame
   * and what followed it at once (kept by OnAir's worker patch), instead of waiting for a new
   * one: an encoder ignores requests that come soon after another. It starts up to this far
   * behind live. 0: every viewer waits for a new key frame.
   */
  SFU_KEYFRAME_CACHE_MS: z.coerce.number().int().min(0).max(2000).default(500),
  /** Where clients open the signalling WebSocket; published in NodeLoadReported. */
  SFU_SIGNALLING_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** Load reports every second: stream-sessions forgets a node silent for SFU_NODE_STALE_SECONDS (2.5 s). */
  SFU_REPORT_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
  /**
   * Shared by the SFU nodes of one cluster: a node opening a relay to another presents it.
   * Unset: this node neither relays from others nor lets others relay from it.
   */
  SFU_RELAY_SECRET: z.string().min(32).max(512).optional(),
  /** Where other nodes open a relay to this one (direct, not through the edge); published in NodeLoadReported. */
  SFU_RELAY_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /**
   * With internal TLS (INTERNAL_TLS_*), relays are served over wss on this port only, with
   * mutual TLS (both nodes present an sfu-worker certificate): the relay secret and the pipes'
   * SRTP keys never cross the network in clear. Without it, relays use ws on HTTP_PORT (a
   * laptop's single node; not for production).
   */
  SFU_RELAY_TLS_PORT: Port.default(7114),
  ...internalTlsEnv,
  /** UDP ports of the PipeTransports between nodes (and of recording's local PlainTransports). */
  SFU_RELAY_MIN_PORT: z.coerce.number().int().min(1024).max(65535).default(41000),
  SFU_RELAY_MAX_PORT: z.coerce.number().int().min(1024).max(65535).default(49999),
  /** On SIGTERM: new participants are refused at once, live rooms get this long to end by themselves. */
  SFU_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(86_400_000).default(0),
  /**
   * A WHIP publisher whose transport has received nothing for this long is gone (an encoder that
   * crashed or lost its network closes no socket): it leaves the room as a closed socket would.
   */
  SFU_WHIP_MEDIA_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  /**
   * The RTMP listener (rtmp/), on SFU_LISTEN_IP: encoders push `rtmp://host:port/live/<stream key>`.
   * 0: no listener (the default: a laptop's platform and the chart set one).
   */
  SFU_RTMP_PORT: Port.default(0),
  /** Encoders connected at once to this node's RTMP listener; past it a connection is closed at once. */
  SFU_RTMP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(10_000).default(50),
  /**
   * Of those, from one address: one source opening connections it never publishes on cannot hold
   * every slot (each for up to SFU_RTMP_PUBLISH_TIMEOUT_MS) and lock every encoder out.
   */
  SFU_RTMP_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(4),
  /** From an encoder's TCP connect to its accepted publish; past it the connection is closed (a slot held by nobody). */
  SFU_RTMP_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  /** stream-sessions' HTTP API, in-cluster: the RTMP listener asks it to check a stream key and place the publisher. */
  SFU_STREAM_SESSIONS_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:7103'),
  SFU_RECORDING: z.enum(['true', 'false']).default('true'),
  REPLAY_DIR: z.string().min(1).default(() => localStateDir('replays', __dirname)),
  FFMPEG_BIN: z.string().min(1).default('/usr/bin/ffmpeg'),
  ...observabilityEnv,
});

export type { LogLevel } from '@onair/config';

export interface MediaConfig {
  nodeId: string;
  workers: number;
  rtcPortBase: number;
  listenIp: string;
  announcedIp: string;
  maxConsumersPerRouter: number;
  maxRelaysPerRouter: number;
  keyFrameRequestDelayMs: number;
  keyFrameCacheMs: number;
  /** The workers' port range: PipeTransports between nodes, recording's PlainTransports. */
  relayPorts: { min: number; max: number };
}

export interface RecordingConfig {
  enabled: boolean;
  replayDir: string;
  ffmpegBin: string;
}

export interface RelayConfig {
  secret: string;
  url: string;
  /** This node's certificate: relays are served (and opened) over mutual TLS. */
  tls?: InternalTlsFiles;
  /** The wss port relays are served on, with `tls`. */
  tlsPort: number;
}

export interface SfuWorkerConfig {
  httpPort: number;
  httpHost: string;
  kafka: KafkaConfig;
  mediaTicketJwksUrl: string;
  media: MediaConfig;
  recording: RecordingConfig;
  signallingUrl: string;
  /** Relaying between nodes; undefined when SFU_RELAY_SECRET is unset. */
  relay?: RelayConfig;
  reportIntervalMs: number;
  drainTimeoutMs: number;
  whip: { mediaTimeoutMs: number };
  /** The RTMP listener; port 0: none. ffmpeg (recording's) turns FLV into RTP for the plain-publish endpoint. */
  rtmp: { port: number; listenIp: string; maxConnections: number; maxConnectionsPerAddress: number; publishTimeoutMs: number; idleTimeoutMs: number; streamSessionsUrl: string; ffmpegBin: string };
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

/** The path of the signalling WebSocket (the edge routes `/v1/sfu` here). */
export const SIGNALLING_PATH = '/v1/sfu/signal';
/** The path other nodes relay from (SIGNALLING.md, "Relaying between nodes"); needs the relay secret. */
export const RELAY_PATH = '/v1/sfu/relay';
/**
 * The node's WHIP endpoint, beside signalling: stream-sessions derives it from the node's
 * signalling URL (…/v1/sfu/signal → …/v1/sfu/whip) and calls it with publish tickets.
 */
export const WHIP_PATH = '/v1/sfu/whip';
/**
 * The node's plain-publish endpoint (RTP into PlainTransports), beside WHIP: an RTMP listener,
 * on this node or another, calls it with the publish ticket stream-sessions gave it.
 */
export const PLAIN_PUBLISH_PATH = '/v1/sfu/plain-publish';

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): SfuWorkerConfig {
  const e = parseEnv('sfu-worker', Env, env);
  const workers = e.SFU_WORKERS ?? availableParallelism();
  if (e.SFU_RELAY_MIN_PORT > e.SFU_RELAY_MAX_PORT) {
    throw new Error('sfu-worker: invalid configuration: SFU_RELAY_MIN_PORT: above SFU_RELAY_MAX_PORT');
  }
  if (e.SFU_RTC_PORT_BASE + workers - 1 > 65535) {
    throw new Error('sfu-worker: invalid configuration: SFU_RTC_PORT_BASE: base + SFU_WORKERS exceeds 65535');
  }
  const tls = internalTlsConfig(e, 'sfu-worker');
  const defaultRelayUrl = tls ? `wss://${e.SFU_ANNOUNCED_IP}:${e.SFU_RELAY_TLS_PORT}${RELAY_PATH}` : `ws://${e.SFU_ANNOUNCED_IP}:${e.HTTP_PORT}${RELAY_PATH}`;
  const relayUrl = e.SFU_RELAY_URL ?? defaultRelayUrl;
  if (e.SFU_RELAY_SECRET && tls && !relayUrl.startsWith('wss:')) {
    throw new Error('sfu-worker: invalid configuration: SFU_RELAY_URL: must be wss:// when relays are served over internal TLS');
  }
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    kafka: kafkaConfig(e),
    mediaTicketJwksUrl: e.MEDIA_TICKET_JWKS_URL,
    media: {
      nodeId: e.SFU_NODE_ID ?? hostname(),
      workers,
      rtcPortBase: e.SFU_RTC_PORT_BASE,
      listenIp: e.SFU_LISTEN_IP,
      announcedIp: e.SFU_ANNOUNCED_IP,
      maxConsumersPerRouter: e.SFU_MAX_CONSUMERS_PER_ROUTER,
      maxRelaysPerRouter: e.SFU_MAX_RELAYS_PER_ROUTER,
      keyFrameRequestDelayMs: e.SFU_KEYFRAME_REQUEST_DELAY_MS,
      keyFrameCacheMs: e.SFU_KEYFRAME_CACHE_MS,
      relayPorts: { min: e.SFU_RELAY_MIN_PORT, max: e.SFU_RELAY_MAX_PORT },
    },
    relay: e.SFU_RELAY_SECRET ? { secret: e.SFU_RELAY_SECRET, url: relayUrl, tls, tlsPort: e.SFU_RELAY_TLS_PORT } : undefined,
    recording: { enabled: e.SFU_RECORDING === 'true', replayDir: resolve(e.REPLAY_DIR), ffmpegBin: e.FFMPEG_BIN },
    signallingUrl: e.SFU_SIGNALLING_URL ?? `ws://${e.SFU_ANNOUNCED_IP}:${e.HTTP_PORT}${SIGNALLING_PATH}`,
    reportIntervalMs: e.SFU_REPORT_INTERVAL_MS,
    drainTimeoutMs: e.SFU_DRAIN_TIMEOUT_MS,
    whip: { mediaTimeoutMs: e.SFU_WHIP_MEDIA_TIMEOUT_MS },
    rtmp: {
      port: e.SFU_RTMP_PORT,
      listenIp: e.SFU_LISTEN_IP,
      maxConnections: e.SFU_RTMP_MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.SFU_RTMP_MAX_CONNECTIONS_PER_ADDRESS,
      publishTimeoutMs: e.SFU_RTMP_PUBLISH_TIMEOUT_MS,
      // A publishing encoder silent this long is gone, as a WHIP publisher's transport is.
      idleTimeoutMs: e.SFU_WHIP_MEDIA_TIMEOUT_MS,
      streamSessionsUrl: e.SFU_STREAM_SESSIONS_URL,
      ffmpegBin: e.FFMPEG_BIN,
    },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
