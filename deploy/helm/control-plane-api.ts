// The few Kubernetes API calls the cluster test needs (get, list, create, wait), over HTTPS with
// the control plane's own CA and a static bearer token. No client library: the test reads what
// the API server stored, so plain JSON is all it wants.
import { request } from 'node:https';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each kind has its own shape
  status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface KubeList<T = KubeObject> {
  items: T[];
}

export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    body: string,
  ) {
    super(`${method} ${path}: HTTP ${status} ${body.slice(0, 500)}`);
  }
}

export class KubeApi {
  constructor(
    private readonly server: string,
    private readonly ca: string,
    private readonly token: string,
  ) {}

  async get<T = KubeObject>(path: string): Promise<T> {
    return JSON.parse(await this.call('GET', path)) as T;
  }

  // /readyz answers plain "ok", not JSON.
  async ready(): Promise<boolean> {
    return (await this.call('GET', '/readyz').catch(() => '')) === 'ok';
  }

  async list<T = KubeObject>(path: string): Promise<T[]> {
    return (await this.get<KubeList<T>>(path)).items;
  }

  // null when the object does not exist (404), for "is it gone yet" checks.
  async find<T = KubeObject>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return null;
      throw e;
    }
  }

  async create(path: string, body: object): Promise<KubeObject> {
    return JSON.parse(await this.call('POST', path, JSON.stringify(body))) as KubeObject;
  }

  private call(method: string, path: string, body?: string): Promise<string> {
    const url = new URL(path, this.server);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.ca,
          timeout: 10_000,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            'content-type': 'application/json',
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(text);
            else reject(new KubeApiError(method, path, status, text));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

// Polls `probe` until it returns a value other than undefined/false; fails naming what it waited
// for and the last thing it saw (a thrown error or the probe's own description).
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
