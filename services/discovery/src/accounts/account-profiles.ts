import type { Client } from '@elastic/elasticsearch';
import type { AccountDocument } from './account-document.js';

export interface OwnerProfile {
  handle: string;
  displayName: string;
}

/** Owners' handles and display names as identity last published them (realtime reads). */
export class AccountProfiles {
  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {}

  async get(accountIds: string[]): Promise<Map<string, OwnerProfile>> {
    const ids = [...new Set(accountIds)];
    const found = new Map<string, OwnerProfile>();
    if (ids.length === 0) return found;
    const read = await this.es.mget<AccountDocument>({ index: this.index, ids, realtime: true, _source_includes: ['handle', 'display_name'] });
    for (const d of read.docs) {
      if ('found' in d && d.found && d._source?.handle) found.set(d._id, { handle: d._source.handle, displayName: d._source.display_name ?? '' });
    }
    return found;
  }
}
