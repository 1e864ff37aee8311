// Operator command: make an existing account an admin, e.g. the first one on a fresh install.
//   tools/onair ops grant-admin <handle>
//   (in Kubernetes: kubectl exec deploy/identity -- node dist/src/roles/grant-admin.cli.js <handle>)
// Reads the same environment as the service. Writes the grant and its account.role_granted.v1
// (no actor, reason "granted from tools/onair") in one transaction; identity's outbox relay
// publishes the event. The account's tokens carry the role from its next sign-in or refresh.
import 'reflect-metadata';
import { Outbox } from '@onair/kafka';
import { openPostgres } from '@onair/postgres';
import { identityMigrations } from '../../migrations/identity-migrations.js';
import { loadConfig } from '../config.js';
import { SessionRevocations } from '../sessions/session-revocations.js';
import { RoleGrant } from './role-grant.entity.js';
import { RolesService } from './roles.service.js';

const CLI_GRANT_REASON = 'granted from tools/onair';

async function main() {
  const args = process.argv.slice(2).map((a) => a.replace(/^@/, ''));
  if (args.length !== 1 || !/^[A-Za-z0-9_]{3,15}$/.test(args[0])) throw new Error(`usage: grant-admin <handle> (got ${args.join(' ') || 'nothing'})`);
  const handle = args[0].toLowerCase();
  const config = loadConfig();
  const dataSource = await openPostgres({ url: config.database.url, schema: config.database.schema, entities: [RoleGrant], migrations: identityMigrations });
  try {
    const [account]: Array<{ id: string }> = await dataSource.query('SELECT id FROM account WHERE handle = $1', [handle]);
    if (!account) throw new Error(`no account with handle @${handle}: sign it up first`);
    const outbox = new Outbox({ clientId: 'identity', ...config.kafka }, config.database.schema);
    const roles = new RolesService(dataSource, outbox, new SessionRevocations(outbox, config));
    const granted = await roles.grant({ accountId: account.id, role: 'admin', actorId: null, reason: CLI_GRANT_REASON });
    process.stdout.write(granted ? `granted admin to @${handle} (${account.id})\n` : `@${handle} (${account.id}) is an admin already; nothing changed\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`grant-admin failed: ${err?.message ?? err}\n`);
  process.exit(1);
});
