import { bodyMutations, HOSTILE_BODIES, hostilePathValues, hostileQueryValues, toJson } from './openapi-mutations.js';
import { validValue, type Examples, type JsonSchema } from './openapi-values.js';

/**
 * Sends every operation of a service's OpenAPI document a valid request first (a body built
 * from its schema, real ids the suite created), so the handler runs, and then variants that
 * each break one thing: a path parameter, a query parameter, one field of the body, the
 * credentials, the body as a whole. Records every answer that is not a clean 2xx/4xx: a 5xx,
 * or an error without a stable `error.code`. Used by each service's `*.openapi-sweep.int-spec.ts`.
 */
export interface SweepOptions {
  baseUrl: string;
  /** A valid Authorization header, so the sweep also reaches past the auth guard. */
  authHeader?: Record<string, string>;
  /** Operations to leave out, as "METHOD /path" (e.g. ones that end the test's session). */
  skip?: string[];
  /**
   * Operations swept after all others, in this order (e.g. ending a broadcast, which the
   * broadcast's other operations need live). Without it DELETEs already go after every other
   * operation, deepest path first, so deleting a circle does not starve its members' operations.
   */
  last?: string[];
  /** Real values of path parameters, by name (ids the suite created): every one is sent, and near misses of them. */
  pathValues?: Record<string, string[]>;
  /** Real values of query parameters, by name (a cursor a list returned); the first one is in every request. */
  queryValues?: Record<string, string[]>;
  /** Valid values of body fields the generator cannot guess, by property name, at any depth. */
  fieldExamples?: Examples;
  /** Whole valid bodies by "METHOD /path", instead of the generated one; a RawBody for a non-JSON body. */
  bodyExamples?: Record<string, unknown>;
}

/** A body that is not JSON (an image), sent with its own content type. */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly bytes: Uint8Array,
  ) {}
}

export interface SweepFinding {
  request: string;
  status: number;
  body: string;
}

export interface SweepResult {
  operations: number;
  requests: number;
  /** Answers with a 2xx: requests that went all the way through a handler. */
  reached: number;
  /** Operations that never answered a 2xx, as "METHOD /path". */
  unreached: string[];
  /** How many answers of each status every operation gave, to see where its requests stopped. */
  statuses: Record<string, Record<number, number>>;
  findings: SweepFinding[];
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface Planned {
  key: string;
  method: string;
  template: string;
  op: Operation;
}
interface Payload {
  contentType?: string;
  data: string | Uint8Array;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const BAD_AUTH: Array<Record<string, string>> = [
  {},
  { authorization: 'Bearer not.a.jwt' },
  { authorization: 'Bearer ' + 'a'.repeat(5000) },
  { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
  { authorization: 'Basic Zm9vOmJhcg==' },
];
const TIMEOUT_MS = 15_000;

export async function sweepOpenApi(options: SweepOptions): Promise<SweepResult> {
  const doc = (await (await fetch(`${options.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
  const sweep = new Sweep(options);
  const planned = plan(doc.paths, options);
  for (const operation of planned) await sweep.operation(operation);
  return {
    operations: planned.length,
    requests: sweep.requests,
    reached: sweep.reached,
    unreached: planned.map((p) => p.key).filter((key) => !sweep.reachedOperations.has(key)),
    statuses: sweep.statuses,
    findings: sweep.findings,
  };
}

function plan(paths: Record<string, Record<string, Operation>>, options: SweepOptions): Planned[] {
  const all = Object.entries(paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${template}`, method: method.toUpperCase(), template, op })),
  );
  // A misspelt option would silently sweep an operation it meant to spare (or not sweep one).
  const named = [...(options.skip ?? []), ...(options.last ?? []), ...Object.keys(options.bodyExamples ?? {})];
  const unknown = named.filter((key) => !all.some((p) => p.key === key));
  if (unknown.length) throw new Error(`sweep options name operations the document does not have: ${unknown.join(', ')}`);
  const last = options.last ?? [];
  const rank = (p: Planned) => (last.includes(p.key) ? 2 : p.method === 'DELETE' ? 1 : 0);
  const depth = (p: Planned) => p.template.split('/').length;
  return all
    .filter((p) => !options.skip?.includes(p.key))
    .sort((a, b) => rank(a) - rank(b) || (rank(a) === 2 ? last.indexOf(a.key) - last.indexOf(b.key) : rank(a) === 1 ? depth(b) - depth(a) : 0));
}

/** One operation's valid request, and what each variant of it changes. */
interface Target {
  send: (query: string[], headers: Record<string, string>, payload?: Payload, label?: string, path?: string) => Promise<void>;
  auth: Record<string, string>;
  baseQuery: string[];
  queryValue: (p: Parameter) => string;
}

class Sweep {
  requests = 0;
  reached = 0;
  readonly reachedOperations = new Set<string>();
  readonly statuses: Record<string, Record<number, number>> = {};
  readonly findings: SweepFinding[] = [];

  constructor(private readonly options: SweepOptions) {}

  async operation({ key, method, template, op }: Planned): Promise<void> {
    const params = op.parameters ?? [];
    const pathNames = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    // Generated once per operation, so every variant of it addresses the same resource.
    const generated: Record<string, string[]> = Object.fromEntries(
      pathNames.map((n) => [n, [String(validValue(params.find((p) => p.name === n && p.in === 'path')?.schema, {}, n))]]),
    );
    const real = (name: string) => this.options.pathValues?.[name] ?? generated[name];
    // `name` set: that parameter gets `encoded`, the others their first real value.
    const fill = (name?: string, encoded = '') =>
      template.replace(/\{([^}]+)\}/g, (_m, n: string) => (n === name ? encoded : encodeURIComponent(real(n)[0])));
    const queryValue = (p: Parameter) => this.options.queryValues?.[p.name]?.[0] ?? String(validValue(p.schema, this.options.fieldExamples, p.name));
    const queryParams = params.filter((p) => p.in === 'query');
    const baseQuery = queryParams.filter((p) => p.required || this.options.queryValues?.[p.name]).map((p) => `${p.name}=${encodeURIComponent(queryValue(p))}`);
    const schema = op.requestBody?.content?.['application/json']?.schema;
    const valid = this.options.bodyExamples?.[key] ?? (op.requestBody ? validValue(schema, this.options.fieldExamples) : undefined);
    let body: Payload | undefined;
    if (valid instanceof RawBody) body = { contentType: valid.contentType, data: valid.bytes };
    else if (op.requestBody) body = { contentType: 'application/json', data: toJson(valid) };
    const auth = this.options.authHeader ?? {};
    const target: Target = {
      send: (query, headers, payload = body, label = '', path = fill()) =>
        this.send(key, method, path + (query.length ? `?${query.join('&')}` : ''), headers, payload, label),
      auth,
      baseQuery,
      queryValue,
    };

    // The valid request and every real value of each path parameter: these reach the handler.
    await target.send(baseQuery, auth);
    for (const name of pathNames) for (const value of real(name).slice(1)) await target.send(baseQuery, auth, body, '', fill(name, encodeURIComponent(value)));
    // One path parameter hostile at a time, the others real.
    for (const name of pathNames) for (const value of hostilePathValues(real(name))) await target.send(baseQuery, auth, body, '', fill(name, value));
    for (const headers of BAD_AUTH) await target.send(baseQuery, headers);
    await this.queries(target, queryParams);
    if (body) await this.bodies(target, body, valid, schema);
  }

  /** One query parameter hostile at a time, the others valid; then an unknown one. */
  private async queries({ send, auth, baseQuery, queryValue }: Target, queryParams: Parameter[]) {
    for (const p of queryParams) {
      const others = baseQuery.filter((q) => !q.startsWith(`${p.name}=`));
      const value = encodeURIComponent(queryValue(p));
      const variants = hostileQueryValues(p.schema, this.options.queryValues?.[p.name]).map((v) => [`${p.name}=${v}`]);
      variants.push([`${p.name}=${value}`, `${p.name}=${value}`], [`${p.name}=1`, `${p.name}=2`], [`${p.name}[]=${value}`], [`${p.name}[a]=1`], [p.name]);
      for (const variant of variants) await send([...others, ...variant], auth);
    }
    await send([...baseQuery, 'sweepUnknownParameter=1'], auth);
  }

  /** One field hostile at a time, the rest of the body valid; then bodies no operation takes. */
  private async bodies({ send, auth, baseQuery }: Target, body: Payload, valid: unknown, schema: JsonSchema | undefined) {
    const json = (text: string): Payload => ({ contentType: 'application/json', data: text });
    const variants = valid instanceof RawBody ? [] : [...bodyMutations(schema, valid), ...HOSTILE_BODIES];
    for (const variant of variants) await send(baseQuery, auth, json(variant.body), variant.label);
    await send(baseQuery, auth, { contentType: 'text/plain', data: 'plain text' }, 'text/plain');
    await send(baseQuery, auth, { data: body.data }, 'no content type');
    await send(baseQuery, auth, { contentType: 'application/json; charset=utf-7', data: body.data }, 'charset utf-7');
    for (const encoding of ['gzip', 'br', 'x-unknown']) {
      await send(baseQuery, { ...auth, 'content-encoding': encoding }, body, `${encoding} claimed`);
    }
    if (valid instanceof RawBody) {
      await send(baseQuery, auth, { contentType: valid.contentType, data: valid.bytes.subarray(0, 12) }, 'truncated');
      await send(baseQuery, auth, { contentType: valid.contentType, data: new Uint8Array(0) }, 'empty');
      await send(baseQuery, auth, { contentType: 'image/svg+xml', data: valid.bytes }, 'another type declared');
      // Past the services' default limits (64 kB of JSON, 1 MB of avatar).
      await send(baseQuery, auth, { contentType: valid.contentType, data: new Uint8Array(2_000_001) }, 'too large');
    }
  }

  private async send(key: string, method: string, path: string, auth: Record<string, string>, payload: Payload | undefined, label: string) {
    this.requests++;
    const headers = { ...auth, ...(payload?.contentType ? { 'content-type': payload.contentType } : {}) };
    // Bytes, so that fetch adds no content type of its own when the variant has none.
    const data = typeof payload?.data === 'string' ? Buffer.from(payload.data) : payload?.data;
    const res = await fetch(`${this.options.baseUrl}${path}`, { method, headers, body: data, signal: AbortSignal.timeout(TIMEOUT_MS) }).catch(
      (err: Error) => ({ status: 599, text: async () => `no answer: ${err.message}` }) as Response,
    );
    // A 2xx whose body breaks off (a stream that failed half-way) is a failure the status hides.
    let cutShort = false;
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      cutShort = true;
      text = `answer cut short: ${(err as Error).message}`;
    }
    const counts = (this.statuses[key] ??= {});
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    if (res.status >= 200 && res.status < 300 && !cutShort) {
      this.reached++;
      this.reachedOperations.add(key);
    }
    let code: unknown;
    try {
      code = JSON.parse(text)?.error?.code;
    } catch {
      code = undefined;
    }
    if (cutShort || res.status >= 500 || (res.status >= 400 && typeof code !== 'string')) {
      const sent = typeof payload?.data === 'string' ? payload.data.slice(0, 80) : '';
      this.findings.push({ request: `${method} ${path.slice(0, 200)} ${label ? `[${label}] ` : ''}${sent}`.trim(), status: res.status, body: text.slice(0, 200) });
    }
  }
}
