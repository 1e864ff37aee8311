import { refusedCharacter, userText } from './user-text.js';

describe('userText', () => {
  const name = userText({ max: 10 });
  const bio = userText({ max: 20, min: 0, multiline: true });

  it('keeps ordinary text, emoji sequences and flags, trimmed, counting code points', () => {
    expect(name.parse('  Ana  ')).toBe('Ana');
    expect(name.parse('👩‍🚀 on air')).toBe('👩‍🚀 on air');
    expect(name.parse('🏴󠁧󠁢󠁳󠁣󠁴󠁿')).toBe('🏴󠁧󠁢󠁳󠁣󠁴󠁿');
    expect(name.parse('😀'.repeat(10))).toHaveLength(20);
    expect(name.safeParse('😀'.repeat(11)).success).toBe(false);
    expect(bio.parse('line one\r\nline two')).toBe('line one\nline two');
    expect(bio.parse('')).toBe('');
  });

  it.each([
    ['a bidi override', 'evil\u202Etxt'],
    ['a bidi isolate', 'a\u2066b'],
    ['a right-to-left mark', 'a\u200Fb'],
    ['an escape sequence', 'a\u001b[31mred'],
    ['a C1 control', 'a\u0085b'],
    ['a line break in a one-line field', 'two\nlines'],
    ['a zero-width no-break space', 'a\uFEFFb'],
  ])('refuses %s', (_what, text) => {
    const result = name.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^no control or bidi-override characters \(U\+[0-9A-F]{4}\)$/)]);
  });

  it('names the first refused character', () => {
    expect(refusedCharacter('ok\u202Eno')).toBe('U+202E');
    expect(refusedCharacter('ok\nno', { multiline: true })).toBeUndefined();
    expect(refusedCharacter('ok\tno', { multiline: true })).toBe('U+0009');
  });
});
