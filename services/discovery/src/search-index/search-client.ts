import { Client } from '@elastic/elasticsearch';

/** Elasticsearch's client for discovery: bounded waits, so a slow cluster fails a request rather than piling them up. */
export function createSearchClient(url: string): Client {
  return new Client({ node: url, requestTimeout: 10_000, maxRetries: 2, compression: false });
}

/** Whether the cluster answers with at least yellow health (ping/info are absent on a minimal node). */
export async function searchReady(client: Client): Promise<boolean> {
  try {
    const health = await client.cluster.health({ timeout: '2s' });
    return health.status !== 'red';
  } catch {
    return false;
  }
}
