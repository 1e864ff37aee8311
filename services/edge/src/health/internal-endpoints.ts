import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { telemetry } from '@onair/telemetry';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EDGE_CONFIG, type EdgeConfig } from '../config.js';
import { probeUpstreams, upstreamsOf } from './upstream-health.js';

/**
 * The operators' endpoints on their own listener (EDGE_INTERNAL_HOST:EDGE_INTERNAL_PORT): the
 * metrics and each upstream's health are not public, and a probe of every upstream per request
 * must not be something any client can trigger. Nothing here is routed from the public port.
 */
@Injectable()
export class InternalEndpoints implements OnApplicationShutdown {
  private readonly log = new Logger('InternalEndpoints');
  private server?: Server;

  constructor(@Inject(EDGE_CONFIG) private readonly config: EdgeConfig) {}

  /** Starts listening; resolves to the base URL (port 0 picks a free one). */
  async listen(port = this.config.internalPort, host = this.config.internalHost): Promise<string> {
    const upstreams = upstreamsOf(this.config);
    const server = createServer((req, res) => void this.answer(req, res, upstreams));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const { address, port: bound } = server.address() as AddressInfo;
    const url = `http://${address.includes(':') ? `[${address}]` : address}:${bound}`;
    this.log.log(`operators' endpoints on ${url} (/metrics, /readyz)`);
    return url;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  private async answer(req: IncomingMessage, res: ServerResponse, upstreams: Map<string, URL>): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return json(res, 405, { error: { code: 'REQUEST.METHOD_NOT_ALLOWED', message: 'GET only' } });
    if (path === '/metrics') return telemetry().metricsHandler(req, res);
    if (path === '/readyz' || path === '/healthz') {
      return json(res, 200, { status: 'ready', checks: { edge: true }, upstreams: await probeUpstreams(upstreams) });
    }
    json(res, 404, { error: { code: 'REQUEST.NOT_FOUND', message: `no ${path} here` } });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
