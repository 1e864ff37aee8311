// Test-only: an sfu-worker node as a process from its build, as the web client's end-to-end
// specs start them: one mediasoup worker, its own WebRtcServer port, the media tickets of the
// stream-sessions under test, recordings into the test's replay folder.
import { freePort, freePorts, startServiceProcess, type RunningService, type TestContext } from '@onair/testing';

export interface SfuNodeOptions {
  /** Ends the node id (`<ctx id>-<name>`). */
  name: string;
  /** stream-sessions' media ticket keys. */
  jwksUrl: string;
  replays: string;
  /** Where pages open the signalling WebSocket: straight to the node unless this says otherwise (the edge). */
  signallingUrl?: string;
  /** Shared by the nodes that relay among themselves (over wss with mutual TLS); none: it never relays. */
  relaySecret?: string;
  /** On top of the above (SFU_MAX_CONSUMERS_PER_ROUTER, SFU_DRAIN_TIMEOUT_MS, …). */
  env?: Record<string, string>;
}

export interface StartedSfuNode {
  nodeId: string;
  /** Its one WebRtcServer's port (SFU_WORKERS 1): all its WebRTC media leaves from there. */
  rtcPort: number;
  service: RunningService;
}

export async function startSfuNode(ctx: TestContext, { name, jwksUrl, replays, signallingUrl, relaySecret, env = {} }: SfuNodeOptions): Promise<StartedSfuNode> {
  const [port, rtcPort] = [await freePort(), await freePorts(1)];
  const nodeId = `${ctx.id}-${name}`;
  const service = await startServiceProcess(ctx, 'sfu-worker', {
    HTTP_PORT: String(port),
    MEDIA_TICKET_JWKS_URL: jwksUrl,
    SFU_SIGNALLING_URL: signallingUrl ?? `ws://127.0.0.1:${port}/v1/sfu/signal`,
    SFU_RTC_PORT_BASE: String(rtcPort),
    SFU_WORKERS: '1',
    SFU_NODE_ID: nodeId,
    SFU_REPORT_INTERVAL_MS: '1000',
    // Relays go over wss with mutual TLS: each node has an sfu-worker certificate from the local
    // internal CA, as startServiceProcess gives every service.
    ...(relaySecret ? { SFU_RELAY_SECRET: relaySecret, SFU_RELAY_TLS_PORT: String(await freePort()) } : {}),
    REPLAY_DIR: replays,
    FFMPEG_BIN: ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg',
    ...env,
  });
  return { nodeId, rtcPort, service };
}
