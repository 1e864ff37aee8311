/**
 * Sends hostile input to every operation of a service's OpenAPI document and records every
 * answer that is not a clean 4xx/2xx: a 5xx, or an error without a stable `error.code`.
 * Used by each service's `*.openapi-sweep.int-spec.ts`.
 */
export interface SweepOptions {
  baseUrl: string;
  /** A valid Authorization header, so the sweep also reaches past the auth guard. */
  authHeader?: Record<string, string>;
  /** Operations to leave out, as "METHOD /path" (e.g. ones that end the test's session). */
  skip?: string[];
}

export interface SweepFinding {
  request: string;
  status: number;
  body: string;
}

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema };
type Operation = { parameters?: Array<{ name: string; in: string }>; requestBody?: { content?: Record<string, { schema?: Schema }> } };

const SQLISH = ["' OR '1'='1", "1; DROP TABLE account;--", '${jndi:ldap://x}', '../../etc/passwd', '\u0000', '😀'.repeat(300)];
const PATH_VALUES = ['00000000-0000-0000-0000-000000000000', 'x'.repeat(600), ...SQLISH.map(encodeURIComponent), '%E0%A4%A', '-1', 'null'];
const BAD_TOKENS = ['Bearer not.a.jwt', 'Bearer ' + 'a'.repeat(5000), 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Basic Zm9vOmJhcg=='];

function wrongTyped(schema: Schema | undefined): unknown[] {
  const props = schema?.properties ?? {};
  const bodies: unknown[] = [{}, [], 'text', 42, null, { unexpectedField: true }];
  const keys = Object.keys(props);
  for (const key of keys) {
    const type = props[key].type;
    bodies.push({ [key]: type === 'string' ? 12345 : 'not-a-' + (type ?? 'value') });
    if (type === 'string' || type === undefined) {
      bodies.push({ [key]: 'x'.repeat(10_000) });
      for (const s of SQLISH) bodies.push(Object.fromEntries(keys.map((k) => [k, props[k].type === 'string' ? s : undefined])));
    }
    bodies.push({ [key]: { nested: { deep: [1, 2, 3] } } });
  }
  return bodies;
}

export async function sweepOpenApi(options: SweepOptions): Promise<{ requests: number; operations: number; findings: SweepFinding[] }> {
  const doc = (await (await fetch(`${options.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
  const findings: SweepFinding[] = [];
  let requests = 0;
  let operations = 0;
  const send = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    requests++;
    const res = await fetch(`${options.baseUrl}${path}`, { method, headers, body }).catch((err: Error) => ({ status: 599, text: async () => err.message }) as Response);
    const text = await res.text();
    let code: unknown;
    try {
      code = JSON.parse(text)?.error?.code;
    } catch {
      code = undefined;
    }
    if (res.status >= 500 || (res.status >= 400 && typeof code !== 'string')) {
      findings.push({ request: `${method} ${path} ${body?.slice(0, 80) ?? ''}`, status: res.status, body: text.slice(0, 200) });
    }
  };
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (options.skip?.includes(`${method.toUpperCase()} ${template}`)) continue;
      operations++;
      const M = method.toUpperCase();
      const hasParams = /\{[^}]+\}/.test(template);
      const paths = hasParams ? PATH_VALUES.map((v) => template.replace(/\{[^}]+\}/g, v)) : [template];
      const headerSets = [{}, ...BAD_TOKENS.map((t) => ({ authorization: t })), ...(options.authHeader ? [options.authHeader] : [])];
      for (const path of paths) {
        for (const auth of headerSets) {
          if (!op.requestBody) {
            await send(M, `${path}?limit=-5&cursor=${encodeURIComponent(SQLISH[0])}`, auth);
            continue;
          }
          const schema = op.requestBody.content?.['application/json']?.schema;
          const json = { ...auth, 'content-type': 'application/json' };
          await send(M, path, json, '{"broken": ');
          // Only the authenticated header set gets every body: the others stop at the guard anyway.
          const bodies = auth === options.authHeader || !options.authHeader ? wrongTyped(schema) : [{}];
          for (const body of bodies) await send(M, path, json, JSON.stringify(body));
          await send(M, path, { ...auth, 'content-type': 'text/plain' }, 'plain text');
        }
      }
    }
  }
  return { requests, operations, findings };
}
