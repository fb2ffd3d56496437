// Text helpers shared by the line-oriented parsers: decoding (UTF-8, latin-1) and a line walker that slices the
// input once per line with indexOf, so a large file costs no regex and no array of all its lines.

const utf8 = new TextDecoder("utf-8");

/** Text as given, or bytes decoded as UTF-8; a leading byte-order mark is dropped. */
export function decodeText(input: string | Uint8Array): string {
  const text = typeof input === "string" ? input : utf8.decode(input);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Bytes decoded as ISO-8859-1 (each byte is the code point of the same value). Written out rather than through
 * `TextDecoder("latin1")`, which some runtimes (workerd) do not provide and others map to windows-1252.
 */
export function decodeLatin1(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  let out = "";
  const chunk = 0x4000;
  for (let i = 0; i < input.length; i += chunk) {
    out += String.fromCharCode.apply(null, input.subarray(i, i + chunk) as unknown as number[]);
  }
  return out;
}

/** Calls `fn(line, lineNo)` for every line (1-based numbers, "\r\n" or "\n" endings, no trailing empty line). */
export function forEachLine(text: string, fn: (line: string, lineNo: number) => void): void {
  let start = 0;
  let lineNo = 0;
  const len = text.length;
  while (start < len) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = len;
    lineNo++;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    fn(text.slice(start, stop), lineNo);
    start = end + 1;
  }
}

/** True for space, tab, CR, LF, vertical tab and form feed. */
export const isSpaceCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** The first `maxLines` lines of a text (for format detection and messages). */
export function headLines(text: string, maxLines: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < maxLines && start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    lines.push(text.slice(start, end).replace(/\r$/, ""));
    start = end + 1;
  }
  return lines;
}
