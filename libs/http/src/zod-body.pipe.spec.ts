import { ValidationFailedError } from '@onair/errors';
import { z } from 'zod';
import { MAX_INPUT_DEPTH, ZodBodyPipe } from './zod-body.pipe.js';

describe('ZodBodyPipe', () => {
  const pipe = new ZodBodyPipe(z.strictObject({ name: z.string(), tags: z.array(z.string()).optional() }));
  const refusal = (value: unknown) => {
    try {
      pipe.transform(value);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationFailedError);
      return (err as ValidationFailedError).fields;
    }
    throw new Error('accepted');
  };
  const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

  it('passes a valid body through the schema', () => {
    expect(pipe.transform({ name: 'ann', tags: ['a'] })).toEqual({ name: 'ann', tags: ['a'] });
  });

  it('names the first field holding a NUL character, at any depth', () => {
    expect(refusal({ name: 'ok', tags: ['fine', 'a\u0000b'] })).toEqual([{ field: 'tags.1', issue: 'contains a NUL character' }]);
  });

  it('refuses nesting deeper than it allows without walking it recursively', () => {
    expect(refusal({ name: 'ann', tags: nested(MAX_INPUT_DEPTH) })).toEqual([
      { field: `tags${'.0'.repeat(MAX_INPUT_DEPTH - 1)}`, issue: `nested deeper than ${MAX_INPUT_DEPTH} levels` },
    ]);
    // As deep as a 64 kB JSON body can nest: a recursive walk overflows the stack here.
    expect(refusal(nested(30_000))).toEqual([expect.objectContaining({ issue: `nested deeper than ${MAX_INPUT_DEPTH} levels` })]);
    // Within the limit, the schema decides.
    expect(refusal({ name: 'ann', tags: nested(3) })).toEqual([{ field: 'tags.0', issue: expect.any(String) }]);
  });
});
