import { describe, expect, it } from "vitest";
import { DataError } from "../../errors.ts";
import { Rng } from "../../random.ts";
import { thrown } from "../test-helpers.ts";
import { decodeLatin1, decodeText, forEachLine, LineSplitter } from "./text.ts";

const collect = (text: string) => {
  const out: [string, number][] = [];
  forEachLine(text, (l, n) => out.push([l, n]));
  return out;
};

describe("text helpers", () => {
  it("forEachLine handles LF, CRLF, blank lines and a last line without a newline", () => {
    expect(collect("a\r\nb\n\nc")).toEqual([["a", 1], ["b", 2], ["", 3], ["c", 4]]);
    expect(collect("a\n")).toEqual([["a", 1]]);
    expect(collect("")).toEqual([]);
  });

  it("LineSplitter gives the same lines as forEachLine however the text is chunked", () => {
    const text = "\uFEFFuser item\r\n1 2 3\r\n\n4 5\r\nlast";
    const rng = new Rng(1);
    for (let trial = 0; trial < 50; trial++) {
      const out: [string, number][] = [];
      const s = new LineSplitter((l, n) => out.push([l, n]));
      let i = 0;
      while (i < text.length) {
        const j = Math.min(text.length, i + rng.int(5));
        s.push(text.slice(i, j)); // empty chunks and a CR split from its LF included
        i = j;
      }
      s.end();
      expect(out).toEqual(collect(text.slice(1)));
    }
  });

  it("LineSplitter refuses an overlong line with source and line number", () => {
    const s = new LineSplitter(() => {}, "blob.bin", 8);
    s.push("ok\n");
    const e = thrown(() => s.push("0123456789"));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/^blob\.bin:2: a line longer than 8 characters/);
  });

  it("decodes UTF-8 without a BOM and latin-1 byte for byte", () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]))).toBe("hé");
    expect(decodeLatin1(new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x80]))).toBe("Caf\u00e9\u0080");
    const big = new Uint8Array(40000).fill(0xe9);
    expect(decodeLatin1(big)).toBe("é".repeat(40000));
  });
});
