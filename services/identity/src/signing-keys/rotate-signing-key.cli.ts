// Operator command: start signing access tokens with a new key, now.
//   node services/identity/dist/src/signing-keys/rotate-signing-key.cli.js
// (in Kubernetes: kubectl exec deploy/identity -- node dist/src/signing-keys/rotate-signing-key.cli.js)
// Reads the same environment as the service. Tokens signed with the old key stay valid until
// they expire: the old public key remains in the JWKS that long.
import 'reflect-metadata';
import { openPostgres } from '@onair/postgres';
import { identityMigrations } from '../../migrations/identity-migrations.js';
import { loadConfig } from '../config.js';
import { SigningKeys } from './signing-keys.service.js';

async function main() {
  const config = loadConfig();
  const dataSource = await openPostgres({
    url: config.database.url,
    schema: config.database.schema,
    entities: [],
    migrations: identityMigrations,
  });
  try {
    const kid = await new SigningKeys(dataSource, config).rotate();
    process.stdout.write(`signing with new key ${kid}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`rotation failed: ${err?.message ?? err}\n`);
  process.exit(1);
});
