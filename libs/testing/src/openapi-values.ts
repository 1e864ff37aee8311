import { randomUUID } from 'node:crypto';

/** The JSON-schema keywords the sweep reads (zod's `toJSONSchema` and @nestjs/swagger write them). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
}

/** Valid values a generator cannot guess, by property or parameter name (a real id, a password that is not common). */
export type Examples = Record<string, unknown>;

/** The schema's type, inferred from its keywords when it names none. */
export function schemaType(schema: JsonSchema): string {
  const declared = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (declared) return declared;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (typeof schema.minimum === 'number' || typeof schema.maximum === 'number') return 'number';
  return 'string';
}

/**
 * A value `schema` accepts: `examples[name]` when given, else built from the keywords (const,
 * enum, the first branch of anyOf/oneOf, every property of an object, lengths, bounds, formats,
 * patterns). Best effort: a rule the schema cannot express (a refinement, a unique name) may
 * still refuse it, which is what `examples` are for.
 */
export function validValue(schema: JsonSchema | undefined, examples: Examples = {}, name?: string): unknown {
  if (name !== undefined && Object.hasOwn(examples, name)) return examples[name];
  if (!schema) return 'sweep';
  if ('const' in schema) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const branch = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (branch) return validValue(branch, examples);
  if (schema.allOf?.length) return validValue(Object.assign({}, ...schema.allOf), examples);
  switch (schemaType(schema)) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, inner]) => [key, validValue(inner, examples, key)]));
    case 'array': {
      const count = Math.min(Math.max(schema.minItems ?? 0, 1), schema.maxItems ?? Infinity);
      return Array.from({ length: count }, () => validValue(schema.items, examples));
    }
    case 'integer':
    case 'number':
      return validNumber(schema);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return validString(schema);
  }
}

function validNumber(schema: JsonSchema): number {
  const integer = schemaType(schema) === 'integer';
  const exclusive = (bound: number | boolean | undefined) => (typeof bound === 'number' ? bound : undefined);
  let lo = schema.minimum ?? exclusive(schema.exclusiveMinimum) ?? -Infinity;
  let hi = schema.maximum ?? exclusive(schema.exclusiveMaximum) ?? Infinity;
  // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum, 3.1 as numbers.
  const step = integer ? 1 : 0.5;
  if (schema.exclusiveMinimum !== undefined && schema.exclusiveMinimum !== false) lo += step;
  if (schema.exclusiveMaximum !== undefined && schema.exclusiveMaximum !== false) hi -= step;
  const value = Math.min(Math.max(1, lo), hi);
  return integer ? Math.ceil(value) : value;
}

function validString(schema: JsonSchema): string {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  const byFormat: Record<string, () => string> = {
    uuid: () => randomUUID(),
    email: () => 'sweep@example.org',
    'date-time': () => new Date().toISOString(),
    date: () => new Date().toISOString().slice(0, 10),
    uri: () => 'https://example.org/sweep',
  };
  const candidates = [byFormat[schema.format ?? '']?.(), schema.pattern && patternExample(schema.pattern, min, max), fitted('sweep', min, max)];
  const pattern = schema.pattern === undefined ? undefined : compile(schema.pattern);
  const matches = (s: string) => !pattern || pattern.test(s);
  return candidates.find((s): s is string => typeof s === 'string' && matches(s)) ?? fitted('sweep', min, max);
}

// A pattern that is not valid ECMAScript (the u flag is strict about escapes) cannot be checked: taken as met.
function compile(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

const fitted = (text: string, min: number, max: number) => text.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, text.length)));

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'class'; matcher: RegExp }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

/**
 * A string `pattern` (ECMAScript, `u` flag) matches, of `minLength`..`maxLength` code points,
 * for the shapes API patterns take: literals, classes, groups, alternation, quantifiers. Tries
 * a few repeat counts; undefined when no try matches (lookarounds, back-references).
 */
export function patternExample(pattern: string, minLength = 0, maxLength = Infinity): string | undefined {
  let whole: RegExp;
  let tree: Node;
  try {
    whole = new RegExp(pattern, 'u');
    tree = new PatternParser(pattern).parse();
  } catch {
    return undefined;
  }
  for (const repeat of [1, 2, 3, 5, 8, 16, 43, 64]) {
    const text = generate(tree, repeat);
    const length = [...text].length;
    if (whole.test(text) && length >= minLength && length <= maxLength) return text;
  }
  return undefined;
}

// Characters tried, in order, for a character class: plain ones first, so examples stay readable.
const CLASS_CANDIDATES = [...'asxAS019_-.:@+ éß字/', '\n'];

function generate(node: Node, repeat: number): string {
  switch (node.kind) {
    case 'text':
      return node.text;
    case 'class':
      return CLASS_CANDIDATES.find((c) => node.matcher.test(c)) ?? '';
    case 'seq':
      return node.items.map((n) => generate(n, repeat)).join('');
    case 'alt':
      return generate(node.options[0], repeat);
    case 'repeat': {
      const count = Math.min(Math.max(repeat, node.min), node.max);
      return Array.from({ length: count }, () => generate(node.node, repeat)).join('');
    }
  }
}

/** Recursive descent over the subset of regular-expression syntax `patternExample` handles. */
class PatternParser {
  private at = 0;
  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.at < this.source.length) throw new Error(`unexpected ${this.source[this.at]}`);
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return { kind: 'seq', items };
  }

  private atom(): Node {
    const c = this.source[this.at++];
    if (c === '^' || c === '$') return { kind: 'text', text: '' };
    if (c === '.') return { kind: 'text', text: 'a' };
    if (c === '(') {
      if (this.source.startsWith('?:', this.at)) this.at += 2;
      else if (this.source[this.at] === '?') throw new Error('lookarounds and named groups are not handled');
      const inner = this.alternation();
      if (this.source[this.at++] !== ')') throw new Error('unclosed group');
      return inner;
    }
    if (c === '[') return { kind: 'class', matcher: new RegExp(`^[${this.classBody()}]$`, 'u') };
    if (c === '\\') return this.escape();
    const [char] = this.source.slice(this.at - 1); // a whole code point, an astral one included
    this.at += char.length - 1;
    return { kind: 'text', text: char };
  }

  private classBody(): string {
    const start = this.at;
    while (this.source[this.at] !== ']') {
      if (this.at >= this.source.length) throw new Error('unclosed class');
      this.at += this.source[this.at] === '\\' ? 2 : 1;
    }
    return this.source.slice(start, this.at++);
  }

  private escape(): Node {
    const c = this.source[this.at++];
    if ('dDwWsS'.includes(c)) return { kind: 'class', matcher: new RegExp(`^\\${c}$`, 'u') };
    if (c === 'p' || c === 'P') {
      const end = this.source.indexOf('}', this.at);
      const matcher = new RegExp(`^\\${c}${this.source.slice(this.at, end + 1)}$`, 'u');
      this.at = end + 1;
      return { kind: 'class', matcher };
    }
    if (c === 'b' || c === 'B') return { kind: 'text', text: '' };
    const control: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
    return { kind: 'text', text: control[c] ?? c };
  }

  private quantified(node: Node): Node {
    const rest = this.source.slice(this.at);
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    let bounds: [number, number] | undefined;
    if (rest[0] === '*') bounds = [0, Infinity];
    else if (rest[0] === '+') bounds = [1, Infinity];
    else if (rest[0] === '?') bounds = [0, 1];
    else if (braces) bounds = [Number(braces[1]), braces[2] === undefined ? Number(braces[1]) : braces[3] ? Number(braces[3]) : Infinity];
    if (!bounds) return node;
    this.at += braces ? braces[0].length : 1;
    if (this.source[this.at] === '?') this.at++; // lazy: same language
    return { kind: 'repeat', node, min: bounds[0], max: bounds[1] };
  }
}
