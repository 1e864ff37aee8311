import { TestContext } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CreateOps1767000000001 } from '../../migrations/1767000000001-create-ops.js';
import { CreateStaffRole1767400000004 } from '../../migrations/1767400000004-create-staff-role.js';

// The role events ops consumed before staff_role existed will not come again: the migration
// rebuilds the projection from the audit log, where each of them left an entry.
describe('staff_role migration: backfilled from the audit log', () => {
  const ctx = TestContext.create('ops_staff_backfill');
  const pg = new Client({ connectionString: ctx.infra.pgUrl });
  const runner = { query: (sql: string, params?: unknown[]) => pg.query(sql, params).then((r) => r.rows) } as unknown as QueryRunner;

  beforeAll(async () => {
    await pg.connect();
    const schema = ctx.schema('ops_backfill');
    await pg.query(`CREATE SCHEMA "${schema}"`);
    await pg.query(`SET search_path TO "${schema}"`);
    await new CreateOps1767000000001().up(runner);
  });
  afterAll(async () => {
    await pg.end();
    await ctx.cleanup();
  });

  it('keeps the newest grant or revocation per account and role, a grant winning a tie', async () => {
    const [kept, revoked, admin, tied] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const entries: Array<[string, string, 'operator' | 'admin' | 'unknown', number]> = [
      [kept, 'role_granted', 'operator', 1],
      [revoked, 'role_granted', 'operator', 1],
      [revoked, 'role_revoked', 'operator', 2],
      [admin, 'role_revoked', 'operator', 3],
      [admin, 'role_granted', 'admin', 1],
      [tied, 'role_revoked', 'operator', 4],
      [tied, 'role_granted', 'operator', 4],
      [tied, 'role_granted', 'unknown', 5],
    ];
    const ids: string[] = [];
    for (const [target, action, role, minute] of entries) {
      ids.push(randomUUID());
      await pg.query(
        `INSERT INTO audit_entry (id, actor_account_id, action, target_type, target_id, reason, at, details) VALUES ($1, NULL, $2, 'account', $3, 'r', $4, $5)`,
        [ids.at(-1), action, target, new Date(Date.UTC(2026, 0, 1, 0, minute)), JSON.stringify({ role })],
      );
    }
    await pg.query(`INSERT INTO audit_entry (id, actor_account_id, action, target_type, target_id, reason, at) VALUES ($1, NULL, 'reports_dismissed', 'account', $2, 'r', now())`, [randomUUID(), kept]);
    await new CreateStaffRole1767400000004().up(runner);

    const { rows } = await pg.query('SELECT account_id, role, held, event_id FROM staff_role');
    expect(rows).toHaveLength(5);
    expect(rows).toEqual(
      expect.arrayContaining([
        { account_id: kept, role: 'operator', held: true, event_id: ids[0] },
        { account_id: revoked, role: 'operator', held: false, event_id: ids[2] },
        { account_id: admin, role: 'operator', held: false, event_id: ids[3] },
        { account_id: admin, role: 'admin', held: true, event_id: ids[4] },
        { account_id: tied, role: 'operator', held: true, event_id: ids[6] },
      ]),
    );
  });
});
