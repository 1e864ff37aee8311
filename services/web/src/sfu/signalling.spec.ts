import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { Signalling } from './signalling';

/**
 * The page reads `joined`, then sets up (Device, transport) before it listens for the SFU's
 * other notifications. What comes meanwhile must still reach it: a `producerAdded` lost there
 * left a viewer watching nothing.
 */
describe('Signalling: notifications before anyone listens', () => {
  let server: WebSocketServer;
  let url: string;
  let onConnection: (socket: ServerSocket) => void;
  const clients: Signalling[] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('connection', (socket) => onConnection(socket));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await new Promise((r) => server.close(r));
  });

  const notify = (socket: ServerSocket, notification: string, data: Record<string, unknown>) => socket.send(JSON.stringify({ notification, data }));
  async function connect(serve: (socket: ServerSocket) => void): Promise<Signalling> {
    onConnection = serve;
    const signalling = await Signalling.open(url);
    clients.push(signalling);
    return signalling;
  }

  it('hears, in order, the notifications that came before it listened, then the live ones', async () => {
    let peer!: ServerSocket;
    const signalling = await connect((socket) => {
      peer = socket;
      notify(socket, 'joined', { producers: [] });
      notify(socket, 'producerAdded', { producerId: 'video' });
      notify(socket, 'producerAdded', { producerId: 'audio' });
    });
    expect(await signalling.next('joined')).toEqual({ producers: [] });
    await sleep(200); // the page setting up: both producerAdded arrive meanwhile
    const heard: string[] = [];
    signalling.on('producerAdded', ({ producerId }) => heard.push(producerId));
    expect(heard).toEqual(['video', 'audio']);
    notify(peer, 'producerAdded', { producerId: 'screen' });
    await sleep(200);
    expect(heard).toEqual(['video', 'audio', 'screen']);
  });

  it('tells a close listener that comes after the close', async () => {
    const signalling = await connect((socket) => {
      notify(socket, 'joined', { producers: [] });
      socket.close(4000, 'SFU.ROOM_CLOSED');
    });
    await signalling.next('joined');
    await sleep(200);
    const closes: unknown[] = [];
    signalling.on('close', (close) => closes.push(close));
    expect(closes).toEqual([{ code: 4000, reason: 'SFU.ROOM_CLOSED' }]);
  });

  it('keeps the last 100 of a notification nobody listens for', async () => {
    const signalling = await connect((socket) => {
      for (let i = 0; i < 150; i++) notify(socket, 'consumerScore', { i });
    });
    await sleep(300);
    const heard: number[] = [];
    signalling.on('consumerScore', ({ i }) => heard.push(i));
    expect(heard).toHaveLength(100);
    expect(heard[0]).toBe(50);
    expect(heard.at(-1)).toBe(149);
  });
});
