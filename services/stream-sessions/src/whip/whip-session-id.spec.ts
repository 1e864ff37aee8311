import { nodeWhipUrl } from './sfu-whip.client.js';
import { readWhipSessionId, whipSessionId } from './whip-session-id.js';

describe('WHIP session ids and node URLs', () => {
  const nodeSessionId = '0b6f3d1e-2c4a-4e8b-9f1a-7c5d3e2b1a09';

  it('carries the node id there and back, and reads nothing else', () => {
    const id = whipSessionId({ nodeId: 'sfu-0.onair_pod-7', nodeSessionId });
    expect(id).toMatch(/^[A-Za-z0-9_-]+\.[0-9a-f-]{36}$/);
    expect(readWhipSessionId(id)).toEqual({ nodeId: 'sfu-0.onair_pod-7', nodeSessionId });
    for (const text of ['', 'x', `../${nodeSessionId}`, `a b.${nodeSessionId}`, 'c2Z1.not-a-uuid']) expect(readWhipSessionId(text)).toBeUndefined();
  });

  it('finds the node WHIP endpoint beside its signalling socket', () => {
    expect(nodeWhipUrl('ws://127.0.0.1:8080/v1/sfu/signal')).toBe('http://127.0.0.1:8080/v1/sfu/whip');
    expect(nodeWhipUrl('wss://sfu-3.example.org/v1/sfu/signal?x=1')).toBe('https://sfu-3.example.org/v1/sfu/whip');
  });
});
