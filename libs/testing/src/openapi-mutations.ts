import { schemaType, validValue, type JsonSchema } from './openapi-values.js';

/** JSON text sent as it is: numbers `JSON.stringify` cannot write (9223372036854775808, 1e309) and nesting too deep to build. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** `JSON.stringify`, with every RawJson written verbatim. */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `\u0000raw${raws.push(v.text) - 1}\u0000` : v));
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]);
}

/** Text that has broken parsers, queries, logs and terminals somewhere. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  '1; DROP TABLE account;--',
  '${jndi:ldap://sweep.invalid/a}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'a\u0000b',
  'bell\u0007 esc\u001b[31m',
  'evil\u202Etxt',
  '\uFEFF',
  '\uD800',
  '😀'.repeat(300),
  '',
  ' ',
  '%s%n{{7*7}}<script>',
  'NaN',
  '1e309',
];

const deep = (levels: number) => new RawJson('['.repeat(levels) + ']'.repeat(levels));

/** Values of the wrong type, size or range, whatever the field's schema says. */
const HOSTILE_ANY: unknown[] = [
  ...HOSTILE_STRINGS,
  null,
  true,
  12345,
  -1,
  0,
  0.5,
  new RawJson('-0'),
  new RawJson('1e308'),
  new RawJson('-1e308'),
  new RawJson('1e309'),
  new RawJson('9223372036854775808'),
  new RawJson('-9223372036854775809'),
  2_147_483_648,
  Number.MAX_SAFE_INTEGER,
  5e-324,
  {},
  [],
  { nested: { deep: [1, 2, 3] } },
  deep(5_000),
  new RawJson(`[${'"x",'.repeat(9_999)}"x"]`),
];

/**
 * The values sent in one field: the hostile ones any field gets, each bound of its schema just
 * broken, and the values its schema accepts at the edges (each bound exactly, each enum value,
 * each anyOf/oneOf branch), which are where a handler past validation breaks.
 */
export function hostileValues(schema: JsonSchema | undefined, valid: unknown): unknown[] {
  const values = [...HOSTILE_ANY];
  if (!schema) return values;
  const type = schemaType(schema);
  if (type === 'string') {
    values.push('x'.repeat(schema.maxLength === undefined ? 10_000 : schema.maxLength + 1));
    if (schema.minLength) values.push('x'.repeat(schema.minLength - 1));
    // At the limit in characters, three times it in UTF-8 bytes.
    if (schema.maxLength !== undefined && !schema.pattern) values.push('字'.repeat(schema.maxLength));
    if (typeof valid === 'string') values.push(valid.toUpperCase() + '\u202E', ` ${valid} `, valid + '\u0000');
    values.push(...(FORMAT_EDGES[schema.format ?? ''] ?? []));
  }
  if (type === 'integer' || type === 'number') {
    if (typeof schema.minimum === 'number') values.push(schema.minimum - 1, schema.minimum);
    if (typeof schema.maximum === 'number') values.push(schema.maximum + 1, schema.maximum);
    values.push(1.5, String(valid));
  }
  if (type === 'array') {
    const item = validValue(schema.items);
    values.push([12345], [null], Array.from({ length: (schema.maxItems ?? 1_000) + 1 }, () => item));
    if (schema.maxItems !== undefined) values.push(Array.from({ length: schema.maxItems }, () => item));
  }
  if (schema.enum?.length) values.push(String(schema.enum[0]).toUpperCase(), `${String(schema.enum[0])} `, ...schema.enum.slice(1));
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) values.push(validValue(branch));
  return values;
}

// Values a format accepts that code past validation may not (year 0, the end of time, the nil uuid).
const FORMAT_EDGES: Record<string, string[]> = {
  uuid: ['00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'],
  'date-time': ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999+14:00', '2026-02-30T25:61:61Z'],
  email: ['a@b.co', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.org`],
};

export interface Variant {
  label: string;
  body: string;
}

type Path = Array<string | number>;

function setAt(root: unknown, path: Path, value: unknown, remove = false): unknown {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (remove) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
  return copy;
}

/**
 * One-field-at-a-time variants of a valid body: every property (nested ones and the first item
 * of arrays too) replaced by each hostile value, removed, and an unknown field added beside it;
 * the rest of the body stays valid, so each variant tests that one field's validation.
 */
export function bodyMutations(schema: JsonSchema | undefined, valid: unknown): Variant[] {
  const variants: Variant[] = [];
  const walk = (inner: JsonSchema | undefined, value: unknown, path: Path) => {
    const at = path.join('.') || '(body)';
    if (inner && schemaType(inner) === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
      const unknownField = [...path, 'sweepUnknownField'];
      variants.push({ label: `${at}+unknown field`, body: toJson(setAt(valid, unknownField, true)) });
      for (const [key, fieldSchema] of Object.entries(inner.properties ?? {})) {
        const fieldValue = (value as Record<string, unknown>)[key];
        variants.push({ label: `${[...path, key].join('.')} removed`, body: toJson(setAt(valid, [...path, key], undefined, true)) });
        field(fieldSchema, fieldValue, [...path, key]);
      }
    } else if (inner && schemaType(inner) === 'array' && Array.isArray(value) && value.length > 0) {
      field(inner.items, value[0], [...path, 0]);
    }
  };
  const field = (fieldSchema: JsonSchema | undefined, fieldValue: unknown, path: Path) => {
    const current = toJson(fieldValue ?? null);
    for (const hostile of hostileValues(fieldSchema, fieldValue)) {
      if (toJson(hostile) === current) continue; // the valid body itself, sent already
      variants.push({ label: `${path.join('.')}=${labelOf(hostile)}`, body: toJson(setAt(valid, path, hostile)) });
    }
    walk(fieldSchema, fieldValue, path);
  };
  walk(schema, valid, []);
  return variants;
}

/** Whole bodies that are not what any JSON operation takes. */
export const HOSTILE_BODIES: Variant[] = [
  { label: 'broken JSON', body: '{"broken": ' },
  { label: 'empty', body: '' },
  ...[null, [], 'text', 42, {}].map((v) => ({ label: `body=${JSON.stringify(v)}`, body: JSON.stringify(v) })),
  { label: 'deep nesting', body: deep(20_000).text },
  { label: 'duplicate keys', body: '{"a":1,"a":2,"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}' },
  { label: 'over the size limit', body: JSON.stringify({ big: 'x'.repeat(2_000_000) }) },
];

/**
 * Hostile values for one query parameter, each as it goes on the wire (already encoded): the
 * ones any parameter gets, its bounds just broken, and for a given real value (a cursor the
 * API returned) that value tampered with: numbers in its decoded form pushed out of range.
 */
export function hostileQueryValues(schema: JsonSchema | undefined, realValues: string[] = []): string[] {
  const numbers = ['-5', '0', '-0', '1.5', '1e309', '99999999999999999999', '9223372036854775808', 'NaN', 'Infinity', '0x10', ' 1'];
  const plain = [...numbers, 'abc', '', 'x'.repeat(10_000), ...HOSTILE_STRINGS];
  if (typeof schema?.minimum === 'number') plain.push(String(schema.minimum - 1), String(schema.minimum));
  if (typeof schema?.maximum === 'number') plain.push(String(schema.maximum + 1), String(schema.maximum));
  for (const real of realValues) {
    const decoded = Buffer.from(real, 'base64url').toString('utf8');
    // Only a value that decodes to text is treated as a structured token worth tampering with.
    if (!/^[\x20-\x7e]+$/.test(decoded)) continue;
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    plain.push(b64(decoded.replace(/\d+/g, '9'.repeat(25))), b64(decoded.replace(/\d+/, '-1')), b64(decoded.replace(/\d{4,}/, '9'.repeat(17))));
    plain.push(b64(`${decoded}' OR 1=1--`), b64(decoded.replace(/[0-9a-f]{8}-/i, 'zzzzzzzz-')), real.slice(0, -2), real + '=');
  }
  return [...plain.map(encode), '%E0%A4%A', '%', '%00', '%C0%AF'];
}

// A lone surrogate has no UTF-8 form for encodeURIComponent: sent as the bytes a careless encoder writes for it.
// (With the u flag, a surrogate class matches only unpaired surrogates.)
const encode = (text: string) => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD')).replaceAll('%EF%BF%BD', '%ED%A0%80');

/** Hostile values for one path parameter, encoded: near misses of its real values too. */
export function hostilePathValues(realValues: string[]): string[] {
  const near = realValues.flatMap((v) => [v.toUpperCase(), `${v}x`, v.slice(0, -1), `${v} `]);
  const plain = ['00000000-0000-0000-0000-000000000000', 'x'.repeat(600), '-1', 'null', '__proto__', 'constructor', ...near, ...HOSTILE_STRINGS.filter(Boolean)];
  return [...plain.map(encode), '%E0%A4%A', '%2e%2e', '..%2f..%2fetc%2fpasswd'];
}

const labelOf = (value: unknown) => (value instanceof RawJson ? value.text : JSON.stringify(value) ?? String(value)).slice(0, 40);
