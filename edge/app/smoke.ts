// A loaded model answers a few real queries before anyone is told it loaded: a few item vectors and a trained user
// vector, through the graph walk, a filtered walk and the exact candidate scan. A trap in the index (e.g. a wasm heap
// corrupted by a crafted file), a hit that is not an item row, a non-finite score or an empty answer refuses the
// version (ArtifactError → 422 at activation; the previous version keeps serving).

import { ArtifactError } from "../../shared/errors.ts";
import type { TopK } from "../../shared/scoring/topk.ts";
import { seenRowsOf } from "../../shared/artifact/seen.ts";
import type { ServingModel } from "./serving-model.ts";

const SMOKE_K = 10;

export function smokeTest(model: ServingModel): void {
  if (model.rows === 0) return;
  const { dim, rows } = model;
  const k = Math.min(SMOKE_K, rows);
  const queries: Float32Array[] = [0, rows >> 1, rows - 1].map((r) => model.vectors.subarray(r * dim, (r + 1) * dim));
  if (model.userVectors && model.userVectors.length >= dim) queries.push(model.userVectors.subarray(0, dim));
  else if (model.knownUsersFold && model.seen && model.foldIn && model.seen.offsets.length > 1) queries.push(model.foldIn.user(seenRowsOf(model.seen, 0)));
  const fail = (why: string): never => {
    throw new ArtifactError("smoke", `version '${model.version}' failed its smoke queries: ${why}`);
  };
  const check = (what: string, top: TopK, want: number, skip?: (row: number) => boolean) => {
    if (top.rows.length !== want) fail(`${what} returned ${top.rows.length} of ${want} items`);
    for (let i = 0; i < top.rows.length; i++) {
      const r = top.rows[i]!;
      if (!Number.isInteger(r) || r < 0 || r >= rows) fail(`${what} returned row ${r}, not an item`);
      if (!Number.isFinite(top.scores[i]!)) fail(`${what} returned a non-finite score`);
      if (skip?.(r)) fail(`${what} returned row ${r}, which its filter drops`);
    }
  };
  const odd = (r: number) => (r & 1) === 1;
  try {
    for (const q of queries) {
      check("a search", model.index.search(q, k), k);
      check("a filtered search", model.index.search(q, k, odd), Math.min(k, rows >> 1), odd);
      const candidates = Int32Array.from({ length: Math.min(rows, 64) }, (_, i) => i);
      const scores = new Float32Array(candidates.length);
      model.index.scoreRows(q, candidates, scores);
      for (const s of scores) if (!Number.isFinite(s)) fail("the candidate scan gave a non-finite score");
    }
  } catch (e) {
    if (e instanceof ArtifactError) throw e;
    fail(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
}
