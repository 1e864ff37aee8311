// Live broadcasts as discovery lists them (services/discovery, GET /v1/discovery/trending:
// viewers and heart velocity, fading with age). Discovery answers signed-in people only.
import { apiAsSignedIn } from '../session/session';

/** The parts of discovery's BroadcastView the home page shows. */
export interface LiveBroadcast {
  id: string;
  title: string;
  topics: string[];
  viewersNow: number;
  heartsTotal: number;
  startedAt: string | null;
  owner: { id: string; handle: string | null; displayName: string | null };
}

export async function trendingBroadcasts(limit = 24): Promise<LiveBroadcast[]> {
  return (await apiAsSignedIn<{ items: LiveBroadcast[] }>('GET', `/v1/discovery/trending?limit=${limit}`)).items;
}
