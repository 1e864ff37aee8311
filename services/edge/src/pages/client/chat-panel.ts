// The chat beside the video on both pages: messages, hearts, presence (services/chat/PROTOCOL.md).
import { api, ApiError, pause, type Session } from './api.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the end-to-end test reads of the panel. */
const seen = { messages: [] as string[], hearts: 0, state: '' as string, joined: 0 };
(window as unknown as { onairChat: unknown }).onairChat = {
  messages: () => [...seen.messages],
  hearts: () => seen.hearts,
  state: () => seen.state,
  joined: () => seen.joined,
};

/** Closes after which a new ticket may get back in (the pod stopped, the network dropped). */
const RECONNECT_AFTER = new Set(['CHAT.SHUTTING_DOWN', '']);
const HEART_FLUSH_MS = 250;

interface ChatFrame {
  type: string;
  [key: string]: unknown;
}

/**
 * Opens the broadcast's chat for the signed-in person and keeps it open: a chat ticket (waiting
 * while the broadcast is not live yet), the socket through the edge, a new ticket after a
 * reconnectable close. Text goes into the page as text, never as markup.
 */
export async function openChat(session: Session, broadcastId: string): Promise<void> {
  $('chat').hidden = false;
  let taps = 0;
  let socket: WebSocket | undefined;
  // The counter shows the room's bursts (one's own taps included, once they are counted).
  $('heart').addEventListener('click', () => taps++);
  // Taps leave in one frame per 250 ms (the protocol's rule), never one per tap.
  setInterval(() => {
    if (taps > 0 && socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'hearts', count: Math.min(taps, 50) }));
      taps = Math.max(0, taps - 50);
    }
  }, HEART_FLUSH_MS);
  const send = () => {
    const input = $('chat-text') as HTMLInputElement;
    const text = input.value.trim();
    if (!text || socket?.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'message', id: Date.now(), text }));
    input.value = '';
  };
  $('chat-send').addEventListener('click', send);
  $('chat-text').addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && send());

  for (let attempt = 0; attempt < 30; attempt++) {
    const ticket = await chatTicket(session, broadcastId);
    const url = new URL(`/v1/chat/socket?ticket=${encodeURIComponent(ticket)}&broadcastId=${encodeURIComponent(broadcastId)}`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    const reason = await run(socket);
    if (!RECONNECT_AFTER.has(reason)) return showState(`chat closed (${reason})`);
    showState('chat reconnecting…');
    await pause(1000);
  }
}

/** A chat ticket; while the broadcast is not live yet, waits for it. */
async function chatTicket(session: Session, broadcastId: string): Promise<string> {
  for (;;) {
    try {
      return (await api<{ ticket: string }>('POST', `/v1/broadcasts/${encodeURIComponent(broadcastId)}/tickets`, { role: 'chat' }, session)).ticket;
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'STREAM_SESSIONS.BROADCAST_NOT_LIVE' || err.details.state !== 'created') throw err;
      await pause(1000);
    }
  }
}

/** One socket's life; resolves with its close reason. */
function run(socket: WebSocket): Promise<string> {
  socket.addEventListener('message', (e) => handle(JSON.parse(String(e.data)) as ChatFrame));
  return new Promise((resolve) => socket.addEventListener('close', (e) => resolve(e.reason)));
}

function handle(f: ChatFrame): void {
  switch (f.type) {
    case 'joined':
      for (const m of f.recent as Array<{ handle: string; text: string }>) addMessage(m.handle, m.text);
      return;
    case 'messages':
      for (const m of f.items as Array<{ handle: string; text: string }>) addMessage(m.handle, m.text);
      return;
    case 'hearts':
      return bumpHearts(f.taps as number);
    case 'presence':
      seen.joined = f.joined as number;
      $('presence').textContent = `${f.joined} in chat, ${f.watching} watching`;
      return;
    case 'state':
      seen.state = f.canWrite ? 'can-write' : String(f.reason);
      return showState(f.canWrite ? '' : `you cannot write now (${f.reason})`);
    case 'error':
      return showState(`chat: ${(f.error as { code: string }).code}`);
    case 'moderation':
    case 'verdict':
      return addMessage('·', f.type === 'verdict' ? (f.guilty ? 'a flash jury muted a viewer' : 'a flash jury acquitted a message') : `a viewer was ${f.action}`);
  }
}

function addMessage(handle: string, text: string): void {
  seen.messages.push(text);
  const item = document.createElement('li');
  const who = document.createElement('b');
  who.textContent = `${handle} `;
  item.append(who, document.createTextNode(text));
  const list = $('messages');
  list.append(item);
  while (list.children.length > 200) list.firstElementChild?.remove();
  list.scrollTop = list.scrollHeight;
}

function bumpHearts(n: number): void {
  seen.hearts += n;
  $('hearts-count').textContent = String(seen.hearts);
}

function showState(text: string): void {
  $('chat-state').textContent = text;
}
