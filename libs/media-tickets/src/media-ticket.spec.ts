import { createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { signMediaTicket, verifyMediaTicket, verifyRelayTicket, type MediaTicket } from './media-ticket.js';

describe('media tickets', () => {
  const ticket: MediaTicket = { accountId: 'acc-1', broadcastId: 'b-1', role: 'consume', nodeId: 'node-a' };
  let key: { kid: string; privateKey: CryptoKey };
  let keys: ReturnType<typeof createLocalJWKSet>;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    key = { kid: 'k1', privateKey: pair.privateKey };
    keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' }] });
  });

  it('round-trips for the named node', async () => {
    await expect(verifyMediaTicket(await signMediaTicket(ticket, key), keys, 'node-a')).resolves.toEqual(ticket);
  });

  it('refuses another node, an expired ticket, a forged one and garbage with stable codes', async () => {
    const token = await signMediaTicket(ticket, key);
    await expect(verifyMediaTicket(token, keys, 'node-b')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
    await expect(verifyMediaTicket(await signMediaTicket(ticket, key, -10), keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_EXPIRED' });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'acc-1', bid: 'b-1', role: 'publish', node: 'node-a' })).toString('base64url');
    await expect(verifyMediaTicket(`${h}.${forged}.${s}`, keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_INVALID' });
    await expect(verifyMediaTicket('garbage', keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_INVALID' });
  });

  it('names the origin a relayed ticket pulls from, and only that origin accepts it for relaying', async () => {
    const relayed: MediaTicket = { ...ticket, nodeId: 'node-b', relayFrom: { nodeId: 'node-a', relayUrl: 'ws://10.0.0.1:7104/v1/sfu/signal' } };
    const token = await signMediaTicket(relayed, key);
    await expect(verifyMediaTicket(token, keys, 'node-b')).resolves.toEqual(relayed);
    await expect(verifyRelayTicket(token, keys, 'node-a')).resolves.toEqual(relayed);
    await expect(verifyRelayTicket(token, keys, 'node-c')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
    // A plain ticket, or a publish ticket, opens no relay.
    await expect(verifyRelayTicket(await signMediaTicket(ticket, key), keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
    const publish = await signMediaTicket({ ...relayed, role: 'publish' }, key);
    await expect(verifyRelayTicket(publish, keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
  });
});
