import { bodyMutations, hostileQueryValues, RawJson, toJson } from './openapi-mutations.js';
import { patternExample, validValue, type JsonSchema } from './openapi-values.js';

// As zod's toJSONSchema writes stream-sessions' POST /v1/broadcasts body.
const broadcastBody: JsonSchema = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    topics: { type: 'array', maxItems: 5, items: { type: 'string', pattern: '^[\\p{L}\\p{N}_-]{1,32}$' } },
    language: { type: 'string', pattern: '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$' },
    location: {
      type: 'object',
      properties: {
        latitude: { type: 'number', minimum: -90, maximum: 90 },
        precision: { type: 'string', enum: ['neighbourhood', 'city', 'region'] },
      },
      required: ['latitude', 'precision'],
      additionalProperties: false,
    },
    visibility: { anyOf: [{ type: 'string', const: 'public' }, { type: 'string', pattern: '^circle:[0-9a-f]{8}$' }] },
  },
  required: ['title', 'language', 'visibility'],
  additionalProperties: false,
};

describe('validValue', () => {
  it('builds a body every keyword of its schema accepts', () => {
    expect(validValue(broadcastBody)).toEqual({
      title: 'sweep',
      topics: ['a'],
      language: 'aa-aa',
      location: { latitude: 1, precision: 'neighbourhood' },
      visibility: 'public',
    });
  });

  it('honours lengths, bounds, formats and examples by name', () => {
    expect(validValue({ type: 'string', minLength: 10, maxLength: 12 })).toBe('sweepxxxxx');
    expect(validValue({ type: 'string', maxLength: 3 })).toBe('swe');
    expect(validValue({ type: 'integer', minimum: 5, maximum: 9 })).toBe(5);
    expect(validValue({ type: 'number', exclusiveMinimum: 1 })).toBe(1.5);
    expect(validValue({ type: 'integer', maximum: -3 })).toBe(-3);
    expect(validValue({ type: 'string', format: 'uuid' })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(validValue({ type: 'string', format: 'email', maxLength: 254 })).toBe('sweep@example.org');
    expect(validValue({ type: 'array', minItems: 3, items: { type: 'boolean' } })).toEqual([true, true, true]);
    expect(validValue({ properties: { password: { type: 'string' } } }, { password: 'a real one' })).toEqual({ password: 'a real one' });
  });
});

describe('patternExample', () => {
  it.each([
    ['^[A-Za-z0-9_]+$', 3, 15],
    ['^[A-Za-z0-9_-]{43}$', 0, Infinity],
    ['^circle:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', 0, Infinity],
    ["^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$", 0, 254],
    ['^(index\\d*\\.ts|index\\.m3u8)$', 0, Infinity],
    ['^\\p{Lu}\\d{2,}?x?$', 0, Infinity],
  ])('matches %s', (pattern, min, max) => {
    const example = patternExample(pattern, min, max)!;
    expect(example).toMatch(new RegExp(pattern, 'u'));
    expect([...example].length).toBeGreaterThanOrEqual(min);
    expect([...example].length).toBeLessThanOrEqual(max);
  });

  it('gives up on what it cannot generate', () => {
    expect(patternExample('^(?=a)b$')).toBeUndefined();
    expect(patternExample('^[a-z]{20}$', 0, 10)).toBeUndefined();
  });
});

describe('bodyMutations', () => {
  const valid = validValue(broadcastBody) as Record<string, unknown>;
  const variants = bodyMutations(broadcastBody, valid);

  it('breaks one field at a time, nested ones too, and leaves the rest valid', () => {
    const changed = (text: string) => {
      const body = JSON.parse(text) as Record<string, unknown>;
      return Object.keys({ ...valid, ...body }).filter((k) => JSON.stringify(body[k]) !== JSON.stringify(valid[k]));
    };
    for (const variant of variants.filter((v) => !v.body.includes('[[[['))) expect(changed(variant.body)).toHaveLength(1);
    const labels = variants.map((v) => v.label);
    expect(labels).toEqual(expect.arrayContaining(['title removed', 'location.latitude=91', 'location+unknown field', '(body)+unknown field', 'topics.0=null']));
    expect(labels.filter((l) => l.startsWith('title='))).toEqual(expect.arrayContaining(['title=9223372036854775808', 'title=1e309', 'title="evil\u202Etxt"']));
  });

  it('writes numbers JSON.stringify cannot', () => {
    expect(toJson({ n: new RawJson('9223372036854775808'), s: 'a\u0000b' })).toBe('{"n":9223372036854775808,"s":"a\\u0000b"}');
    expect(variants.find((v) => v.label === 'location.latitude=-1e308')!.body).toContain('"latitude":-1e308');
  });
});

describe('hostileQueryValues', () => {
  it('tampers with the numbers inside a real cursor', () => {
    const cursor = Buffer.from('k1:1763856000123456:5d9c0f3e-2a43-4f8e-9a4b-0c1d2e3f4a5b').toString('base64url');
    const values = hostileQueryValues({ type: 'string' }, [cursor]).filter((v) => !v.startsWith('%'));
    const decoded = values.map((v) => Buffer.from(decodeURIComponent(v), 'base64url').toString());
    const real = Buffer.from(cursor, 'base64url').toString();
    expect(decoded).toContain(real.replace(/\d+/g, '9'.repeat(25)));
    expect(decoded).toContain('k1:99999999999999999:5d9c0f3e-2a43-4f8e-9a4b-0c1d2e3f4a5b');
  });
});
