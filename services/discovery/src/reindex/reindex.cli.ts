// tools/onair discovery reindex [--force] [--grace-seconds N]: rebuilds discovery's broadcasts
// index from stream-sessions (its gRPC API) with no downtime. Same environment as the service.
import { startTelemetry } from '@onair/telemetry';
import { AccountProfiles } from '../accounts/account-profiles.js';
import { BroadcastIndexer } from '../broadcasts/broadcast-indexer.js';
import { loadConfig } from '../config.js';
import { kafkaOptions } from '../discovery-app.js';
import { indexNames } from '../search-index/index-names.js';
import { ensureIndices } from '../search-index/index-setup.js';
import { createSearchClient } from '../search-index/search-client.js';
import { DiscoverableBroadcastsClient } from './discoverable-broadcasts.client.js';
import { reindex } from './reindex.js';

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a, i) => a !== '--force' && a !== '--grace-seconds' && args[i - 1] !== '--grace-seconds');
  const graceAt = args.indexOf('--grace-seconds');
  const graceSeconds = graceAt >= 0 ? Number(args[graceAt + 1]) : 30;
  if (unknown.length > 0 || !Number.isFinite(graceSeconds) || graceSeconds < 0 || graceSeconds > 3600) {
    throw new Error(`usage: reindex [--force] [--grace-seconds 0..3600] (got ${args.join(' ')})`);
  }
  const config = loadConfig();
  startTelemetry({ serviceName: 'discovery-reindex', otlpEndpoint: config.otlpEndpoint });
  const es = createSearchClient(config.elasticsearch.url);
  const names = indexNames(config.elasticsearch.indexPrefix);
  const source = new DiscoverableBroadcastsClient({ address: config.grpc.streamSessions, protoDir: config.grpc.protoDir, tls: config.grpc.tls });
  try {
    await ensureIndices(es, names, config.elasticsearch);
    const report = await reindex({
      es,
      names,
      layout: config.elasticsearch,
      kafka: { ...kafkaOptions(config), clientId: `discovery-reindex-${config.podId}` },
      indexer: new BroadcastIndexer(es, names, new AccountProfiles(es, names.accounts)),
      source: () => source.pages(),
      graceMs: graceSeconds * 1000,
      force: args.includes('--force'),
    });
    process.stdout.write(`reindex: ${report.fromSource} broadcasts from stream-sessions, ${report.caughtUp} events caught up; ${names.broadcasts} -> ${report.generation} (was ${report.previous})\n`);
  } finally {
    source.close();
    await es.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`reindex failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
