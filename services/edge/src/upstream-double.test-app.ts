// Test-only: "some upstream" behind the edge, an HTTP and WebSocket server that records what
// reached it. It stands for any service the edge may route to (it is none of ours), so the
// edge's own behaviour (streaming, headers, upgrades, silence) can be observed from outside.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  upgrade: boolean;
}

export interface UpstreamDouble {
  name: string;
  url: string;
  seen: SeenRequest[];
  /** The request (or upgrade) that reached this upstream with exactly this target. */
  received(url: string, upgrade?: boolean): SeenRequest;
  /** WebSockets the upstream holds open now. */
  openWebSockets(): number;
  /** Ends every WebSocket from the upstream's side. */
  dropWebSockets(): void;
  close(): Promise<void>;
}

function record(seen: SeenRequest[], req: IncomingMessage, upgrade: boolean) {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, upgrade });
}

/**
 * Paths ending in `/echo` answer with the request body as it arrives, `/count` with its size
 * and sha256, `/hang` never answer; anything else gets a JSON description of the request.
 */
function answer(name: string, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/healthz') {
    res.end('{"status":"ok"}');
    return;
  }
  if (path.endsWith('/hang')) return;
  if (path.endsWith('/echo')) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.flushHeaders();
    req.pipe(res);
    return;
  }
  if (path.endsWith('/count')) {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') })));
    return;
  }
  req.resume();
  req.on('end', () => {
    // A hop-by-hop header of the upstream's own, which the edge must not relay.
    res.writeHead(200, { 'content-type': 'application/json', 'x-upstream-hop': '1', connection: 'keep-alive, x-upstream-hop', traceparent: '00-11111111111111111111111111111111-2222222222222222-01' });
    res.end(JSON.stringify({ upstream: name, method: req.method, url: req.url }));
  });
}

export async function startUpstreamDouble(name: string): Promise<UpstreamDouble> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    record(seen, req, false);
    answer(name, req, res);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    record(seen, req, true);
    if ((req.url ?? '').includes('/refuse')) {
      const body = '{"error":{"code":"TEST.REFUSED","message":"no"}}';
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data, binary) => ws.send(binary ? data : `${name}:${String(data)}`)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    seen,
    received: (url, upgrade = false) => {
      const found = seen.find((s) => s.url === url && s.upgrade === upgrade);
      if (!found) throw new Error(`${name} received no ${upgrade ? 'upgrade' : 'request'} for ${url}`);
      return found;
    },
    openWebSockets: () => wss.clients.size,
    dropWebSockets: () => wss.clients.forEach((client) => client.terminate()),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
