/**
 * A WHIP session's id in its resource URL: `<SFU node id, base64url>.<the node's own session id>`.
 * stream-sessions keeps no table of sessions: the id says which node to ask, and that node is only
 * ever looked up among the known SFU nodes (never dialled from the URL), with a fresh ticket.
 */
const SESSION_ID = /^([A-Za-z0-9_-]{1,200})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export interface WhipSessionRef {
  nodeId: string;
  /** The SFU node's id of the session (its publishing Participant). */
  nodeSessionId: string;
}

export const whipSessionId = ({ nodeId, nodeSessionId }: WhipSessionRef) => `${Buffer.from(nodeId).toString('base64url')}.${nodeSessionId}`;

export function readWhipSessionId(text: string): WhipSessionRef | undefined {
  const match = SESSION_ID.exec(text);
  if (!match) return undefined;
  return { nodeId: Buffer.from(match[1], 'base64url').toString('utf8'), nodeSessionId: match[2] };
}
