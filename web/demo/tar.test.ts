// The demo's tar writer, checked by the system's own `tar`: it lists and extracts what we wrote, byte for byte.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeTar } from "./tar.ts";

const dir = mkdtempSync(join(tmpdir(), "edgerec-tar-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeTar", () => {
  it("writes an archive GNU tar lists and extracts exactly", () => {
    const big = new Uint8Array(1500).map((_, i) => (i * 7) & 255);
    const entries = [
      { name: "demo-v1/manifest.json", bytes: new TextEncoder().encode('{"format":"edgerec-artifact/1"}') },
      { name: "demo-v1/items.bin", bytes: big },
      { name: "demo-v1/empty.json", bytes: new Uint8Array(0) },
    ];
    const tar = writeTar(entries, new Date("2026-01-02T03:04:05Z"));
    expect(tar.byteLength % 512).toBe(0);
    const file = join(dir, "a.tar");
    writeFileSync(file, tar);
    const listing = execFileSync("tar", ["-tvf", file], { encoding: "utf8" });
    expect(listing).toMatch(/demo-v1\/manifest\.json/);
    expect(listing).toMatch(/1500 2026-01-02/);
    execFileSync("tar", ["-xf", file, "-C", dir]);
    for (const e of entries) expect(new Uint8Array(readFileSync(join(dir, e.name)))).toEqual(e.bytes);
  });

  it("refuses names tar cannot hold", () => {
    expect(() => writeTar([{ name: "x".repeat(101), bytes: new Uint8Array(1) }])).toThrow(/1–100 bytes/);
    expect(() => writeTar([{ name: "a b", bytes: new Uint8Array(1) }])).toThrow(/characters outside/);
  });
});
