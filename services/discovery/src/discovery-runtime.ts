import type { Client } from '@elastic/elasticsearch';
import { Logger } from '@nestjs/common';
import { SocialGraphClient } from '@onair/social-graph-client';
import { AccountIndexer } from './accounts/account-indexer.js';
import { AccountProfiles } from './accounts/account-profiles.js';
import { BroadcastIndexer } from './broadcasts/broadcast-indexer.js';
import type { DiscoveryConfig } from './config.js';
import { indexNames, type IndexNames } from './search-index/index-names.js';
import { ensureIndices } from './search-index/index-setup.js';
import { createSearchClient } from './search-index/search-client.js';
import { DiscoverySearch } from './search/discovery-search.js';
import { SocialGraphUnavailableError } from './search/search.errors.js';

/**
 * discovery's parts, built once per process: the Elasticsearch client, the indexers the Kafka
 * consumers feed, the queries, social-graph's client, and the purge timer.
 */
export class DiscoveryRuntime {
  private readonly log = new Logger('DiscoveryRuntime');
  readonly es: Client;
  readonly names: IndexNames;
  readonly broadcasts: BroadcastIndexer;
  readonly accounts: AccountIndexer;
  readonly search: DiscoverySearch;
  private readonly socialGraph: SocialGraphClient;
  private purgeTimer?: NodeJS.Timeout;

  constructor(private readonly config: DiscoveryConfig) {
    this.es = createSearchClient(config.elasticsearch.url);
    this.names = indexNames(config.elasticsearch.indexPrefix);
    const profiles = new AccountProfiles(this.es, this.names.accounts);
    this.broadcasts = new BroadcastIndexer(this.es, this.names, profiles);
    this.accounts = new AccountIndexer(this.es, this.names.accounts, this.broadcasts);
    const { grpc } = config;
    this.socialGraph = new SocialGraphClient({
      address: grpc.socialGraph,
      protoDir: grpc.protoDir,
      timeoutMs: grpc.timeoutMs,
      tls: grpc.tls,
      unavailable: () => new SocialGraphUnavailableError(),
    });
    this.search = new DiscoverySearch(this.es, this.names, this.socialGraph);
  }

  /** Indices first (pods booting together agree on one), then the purge timer. */
  async start(): Promise<void> {
    await ensureIndices(this.es, this.names, this.config.elasticsearch);
    this.purgeTimer = setInterval(() => void this.purge(), this.config.retention.purgeIntervalMs);
    this.purgeTimer.unref();
  }

  async purge(now = new Date()): Promise<number> {
    try {
      return await this.broadcasts.purgeStale(now, this.config.retention);
    } catch (err) {
      this.log.warn(`purge failed, next round in ${this.config.retention.purgeIntervalMs / 1000} s: ${(err as Error).message}`);
      return 0;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
    this.socialGraph.close();
    await this.es.close();
  }
}
