/**
 * Ticket ids (`jti`) this node has admitted, each until its ticket expires: one ticket opens
 * one signalling socket, so a ticket copied or replayed cannot fill the node with participants.
 * Tickets name the node, so the memory of one node is enough.
 */
export class UsedTickets {
  private readonly until = new Map<string, number>();
  private lastSweep = Date.now();

  /** True the first time a ticket id is presented (while it is unexpired), false after. */
  claim(ticketId: string, expiresAt: Date): boolean {
    const now = Date.now();
    if (now - this.lastSweep > 10_000) this.sweep(now);
    const seen = this.until.get(ticketId);
    if (seen !== undefined && seen > now) return false;
    this.until.set(ticketId, expiresAt.getTime());
    return true;
  }

  get size(): number {
    return this.until.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [id, until] of this.until) if (until <= now) this.until.delete(id);
  }
}
