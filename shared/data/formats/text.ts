// Text helpers shared by the line-oriented parsers: decoding (UTF-8, latin-1) and a line walker that slices the
// input once per line with indexOf, so a large file costs no regex and no array of all its lines.

import { DataError } from "../../errors.ts";

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

/** A parser fed one line at a time, so a large file can be streamed instead of decoded into one string. */
export interface LineReader<T> {
  line(text: string, lineNo: number): void;
  finish(): T;
}

/** Feeds a whole text to a line reader and returns its result. */
export function readAllLines<T>(input: string | Uint8Array, reader: LineReader<T>): T {
  forEachLine(decodeText(input), (line, lineNo) => reader.line(line, lineNo));
  return reader.finish();
}

/**
 * Cuts streamed text chunks into lines (same numbering and endings as `forEachLine`; a leading byte-order mark is
 * dropped). Call `end()` after the last chunk to flush a final line without a newline. A line longer than
 * `maxLine` characters is refused (a binary file, or one without line breaks) before it outgrows a string.
 */
export class LineSplitter {
  private rest = "";
  private lineNo = 0;
  private started = false;

  constructor(
    private readonly fn: (line: string, lineNo: number) => void,
    private readonly source = "input",
    private readonly maxLine = 1 << 26,
  ) {}

  push(chunk: string): void {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const text = this.rest === "" ? chunk : this.rest + chunk;
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      this.fn(text.slice(start, stop), ++this.lineNo);
      start = end + 1;
    }
    this.rest = text.slice(start);
    if (this.rest.length > this.maxLine) {
      throw new DataError(
        `${this.source}:${this.lineNo + 1}: a line longer than ${this.maxLine} characters; is this a text file in the format asked for?`,
      );
    }
  }

  end(): void {
    if (this.rest === "") return;
    const last = this.rest.charCodeAt(this.rest.length - 1) === 13 ? this.rest.slice(0, -1) : this.rest;
    this.rest = "";
    this.fn(last, ++this.lineNo);
  }
}
