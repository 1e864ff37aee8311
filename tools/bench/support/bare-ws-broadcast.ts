// The limit `bench chat` compares the chat service with: a bare WebSocket broadcast loop in one
// process (the `ws` library alone: no tickets, no rules, no Kafka, no PostgreSQL), taking the
// same frames and sending every message to every socket, framed as chat frames its messages.
// Prints "ready <port>" once it listens. Runs on Node 24 as is (type stripping).
import { WebSocketServer, type WebSocket } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4096 });
const sockets = new Set<WebSocket>();

wss.on('connection', (ws) => {
  sockets.add(ws);
  ws.on('close', () => sockets.delete(ws));
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id?: number; text?: string };
    if (frame.type !== 'message' || typeof frame.text !== 'string') return;
    ws.send(JSON.stringify({ type: 'ack', id: frame.id }));
    const out = JSON.stringify({ type: 'messages', items: [{ text: frame.text }] });
    for (const s of sockets) s.send(out);
  });
});

wss.on('listening', () => process.stdout.write(`ready ${(wss.address() as { port: number }).port}\n`));
process.once('SIGTERM', () => process.exit(0));
