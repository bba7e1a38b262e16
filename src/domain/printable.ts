/**
 * Text from outside (ONNX Runtime's and ffmpeg's messages, which quote bytes from the file) made
 * safe to print in an error line: characters that do not show, or that would break or reorder
 * the line, are written as visible escapes. Control characters and C1 controls become \xNN (\n,
 * \r and \t keep their short forms); U+FFFD (what an invalid UTF-8 byte decodes to), lone
 * surrogates, format characters (bidi overrides, zero-width spaces), private-use characters and
 * the line/paragraph separators become \uNNNN (\u{NNNNN} above U+FFFF). Printable text,
 * including non-ASCII letters, is unchanged.
 */

const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\u2028\u2029\uFFFD]/gu;
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string): string {
  return text.replace(HIDDEN, (ch) => {
    const short = SHORT[ch];
    if (short !== undefined) return short;
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0xff) return `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    if (cp <= 0xffff) return `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    return `\\u{${cp.toString(16).toUpperCase()}}`;
  });
}
