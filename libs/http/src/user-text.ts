import { z } from 'zod';

// Characters that change how text around them is shown without being seen themselves: C0/C1
// controls, bidi embeddings/overrides/isolates and marks (U+202A–202E, U+2066–2069, U+200E/F,
// U+061C: "Trojan Source" spoofing of names and titles), soft hyphens, BOMs and the rest of
// Unicode's format category. Kept: ZWJ and ZWNJ (emoji sequences such as 👩‍🚀, Persian and
// Indic scripts) and tag characters (subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿).
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const allowedFormat = (cp: number) => cp === 0x200c || cp === 0x200d || (cp >= 0xe0020 && cp <= 0xe007f);

/** The first refused character of `text`, as `U+XXXX`, or undefined when there is none. */
export function refusedCharacter(text: string, options: { multiline?: boolean } = {}): string | undefined {
  for (const [char] of text.matchAll(INVISIBLE)) {
    if (allowedFormat(char.codePointAt(0)!) || (options.multiline && char === '\n')) continue;
    return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/**
 * Text people type and others read (names, titles, bios, chat): trimmed, `min`..`max`
 * characters (code points, so an emoji counts once), without control or bidi-override
 * characters; `multiline` allows line breaks (`\r\n` is stored as `\n`).
 */
export function userText(options: { max: number; min?: number; multiline?: boolean }) {
  return z
    .string()
    .transform((s) => (options.multiline ? s.replace(/\r\n?/g, '\n') : s).trim())
    .superRefine((s, ctx) => {
      const length = [...s].length;
      if (length < (options.min ?? 1)) ctx.addIssue({ code: 'custom', message: `at least ${options.min ?? 1} characters` });
      if (length > options.max) ctx.addIssue({ code: 'custom', message: `at most ${options.max} characters` });
      const refused = refusedCharacter(s, options);
      if (refused) ctx.addIssue({ code: 'custom', message: `no control or bidi-override characters (${refused})` });
    });
}
