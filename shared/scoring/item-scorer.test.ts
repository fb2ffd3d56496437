// The wasm SIMD scorer against the shared scalar scoreAll (the oracle), on odd sizes (dims not a multiple of 16 or 4).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Rng } from "../random.ts";
import { scoreAll } from "./topk.ts";
import { createItemScorer } from "./item-scorer.ts";

describe("createItemScorer", () => {
  for (const [rows, dim] of [[1, 1], [37, 3], [500, 16], [1000, 64], [333, 70]] as const) {
    it(`wasm-simd matches scalar scoreAll on ${rows}×${dim}`, () => {
      const rng = new Rng(rows * 31 + dim);
      const items = Float32Array.from({ length: rows * dim }, () => rng.normal());
      const user = Float32Array.from({ length: dim }, () => rng.normal());
      const wasm = createItemScorer(items, rows, dim);
      expect(wasm.kind).toBe("wasm-simd");
      expect(Array.from(wasm.items)).toEqual(Array.from(items));
      wasm.user.set(user);
      wasm.score();
      const oracle = scoreAll(items, dim, user, new Float32Array(rows));
      for (let j = 0; j < rows; j++) expect(wasm.scores[j]).toBeCloseTo(oracle[j]!, 4);
      const js = createItemScorer(items, rows, dim, "js");
      js.user.set(user);
      js.score();
      expect(Array.from(js.scores)).toEqual(Array.from(oracle));
    });
  }

  it("the committed kernel matches a rebuild from score-all.c (when clang for wasm32 is here)", () => {
    const build = fileURLToPath(new URL("./wasm/build.sh", import.meta.url));
    if (!existsSync("/usr/bin/clang-14") && !existsSync("/usr/bin/clang")) return;
    expect(execFileSync("bash", [build, "--check"], { encoding: "utf8" })).toContain("matches a rebuild");
  });
});
