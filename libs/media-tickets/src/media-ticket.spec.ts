import { createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { isOwnerTicket, signChatTicket, verifyChatTicket, type ChatTicket } from './chat-ticket.js';
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

  const verified = (t: MediaTicket) => ({ ...t, ticketId: expect.stringMatching(/^[0-9a-f-]{36}$/), issuedAt: expect.any(Date), expiresAt: expect.any(Date) });

  it('round-trips for the named node, with a unique id and its expiry', async () => {
    const [one, two] = await Promise.all([signMediaTicket(ticket, key, 30), signMediaTicket(ticket, key, 30)]);
    const a = await verifyMediaTicket(one, keys, 'node-a');
    expect(a).toEqual(verified(ticket));
    expect(a.ticketId).not.toBe((await verifyMediaTicket(two, keys, 'node-a')).ticketId);
    expect(Math.abs(a.expiresAt.getTime() - (Date.now() + 30_000))).toBeLessThan(2000);
  });

  it("carries the broadcast's audience (owner, visibility, circle) for the SFU to hold admission to", async () => {
    const circle: MediaTicket = { ...ticket, audience: { ownerId: 'acc-9', visibility: 'circle', circleId: 'c-1' } };
    await expect(verifyMediaTicket(await signMediaTicket(circle, key), keys, 'node-a')).resolves.toEqual(verified(circle));
    const followers: MediaTicket = { ...ticket, audience: { ownerId: 'acc-9', visibility: 'followers' } };
    await expect(verifyMediaTicket(await signMediaTicket(followers, key), keys, 'node-a')).resolves.toEqual(verified(followers));
    const noCircle = await signMediaTicket({ ...ticket, audience: { ownerId: 'acc-9', visibility: 'circle' } }, key);
    await expect(verifyMediaTicket(noCircle, keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_INVALID' });
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
    await expect(verifyMediaTicket(token, keys, 'node-b')).resolves.toEqual(verified(relayed));
    await expect(verifyRelayTicket(token, keys, 'node-a')).resolves.toEqual(verified(relayed));
    await expect(verifyRelayTicket(token, keys, 'node-c')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
    // A plain ticket, or a publish ticket, opens no relay.
    await expect(verifyRelayTicket(await signMediaTicket(ticket, key), keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
    const publish = await signMediaTicket({ ...relayed, role: 'publish' }, key);
    await expect(verifyRelayTicket(publish, keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_WRONG_NODE' });
  });
});

describe('chat tickets', () => {
  let key: { kid: string; privateKey: CryptoKey };
  let keys: ReturnType<typeof createLocalJWKSet>;
  const ticket: ChatTicket = {
    accountId: 'acc-1',
    handle: 'ann',
    broadcastId: 'b-1',
    audience: { ownerId: 'acc-9', visibility: 'circle', circleId: 'c-1' },
    followsOwner: true,
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    key = { kid: 'k1', privateKey: pair.privateKey };
    keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' }] });
  });

  it('round-trip, and are never mistaken for media tickets (nor the other way round)', async () => {
    const token = await signChatTicket(ticket, key);
    await expect(verifyChatTicket(token, keys)).resolves.toEqual({ ...ticket, ticketId: expect.any(String), issuedAt: expect.any(Date), expiresAt: expect.any(Date) });
    expect(isOwnerTicket(ticket)).toBe(false);
    expect(isOwnerTicket({ ...ticket, accountId: 'acc-9' })).toBe(true);
    await expect(verifyMediaTicket(token, keys, 'node-a')).rejects.toMatchObject({ code: 'MEDIA.TICKET_INVALID' });
    const media = await signMediaTicket({ accountId: 'acc-1', broadcastId: 'b-1', role: 'consume', nodeId: 'node-a' }, key);
    await expect(verifyChatTicket(media, keys)).rejects.toMatchObject({ code: 'MEDIA.TICKET_INVALID' });
    await expect(verifyChatTicket(await signChatTicket(ticket, key, -5), keys)).rejects.toMatchObject({ code: 'MEDIA.TICKET_EXPIRED' });
  });
});
