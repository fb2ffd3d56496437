// Offline evaluation of a published artifact on interactions it may never have seen: test users are scored with
// their trained vector when the artifact knows them, else folded in from their `history` items, else by popularity;
// items in `history` are excluded; test items the artifact does not know count as misses.

import { type ArtifactModel, historiesInArtifact, userVectorFor } from "./artifact-model.ts";
import { buildCsr } from "../shared/data/csr.ts";
import type { Interactions } from "../shared/data/interactions.ts";
import { EdgerecError } from "../shared/errors.ts";
import { evaluateRanking, type RankingReport } from "../shared/metrics/evaluate.ts";
import { scoreAll } from "../shared/scoring/topk.ts";

export interface ArtifactReport {
  report: RankingReport;
  sources: Record<string, number>;
  unknownTestItems: number;
}

export function evaluateArtifact(m: ArtifactModel, history: Interactions, test: Interactions, ks: number[]): ArtifactReport {
  const known = historiesInArtifact(m, history);
  const users = test.userIds.ids;
  const trainRows: number[] = [];
  const trainCols: number[] = [];
  const vectors: (Float32Array | null)[] = [];
  const sources: Record<string, number> = { personalized: 0, "fold-in": 0, popular: 0 };
  users.forEach((id, u) => {
    const t = history.userIds.get(id);
    const rows = t === undefined ? new Int32Array(0) : known.rows[t]!;
    const w = t === undefined ? new Float32Array(0) : known.weights[t]!;
    for (const r of rows) {
      trainRows.push(u);
      trainCols.push(r);
    }
    const v = userVectorFor(m, id, rows, w);
    sources[v.source]!++;
    vectors.push(v.vector ? Float32Array.from(v.vector) : null);
  });
  const testRows: number[] = [];
  const testCols: number[] = [];
  let unknownTestItems = 0;
  for (let k = 0; k < test.users.length; k++) {
    const row = m.itemRow.get(test.itemIds.ids[test.items[k]!]!);
    if (row === undefined) {
      unknownTestItems++;
      continue;
    }
    testRows.push(test.users[k]!);
    testCols.push(row);
  }
  if (testRows.length === 0) throw new EdgerecError("bad_data", "no test interaction names an item the artifact knows");
  const n = users.length;
  const items = m.itemIds.length;
  const ones = (len: number) => new Float32Array(len).fill(1);
  const report = evaluateRanking({
    train: buildCsr(n, items, Int32Array.from(trainRows), Int32Array.from(trainCols), ones(trainRows.length)),
    test: buildCsr(n, items, Int32Array.from(testRows), Int32Array.from(testCols), ones(testRows.length)),
    ks,
    scoreUser: (u, out) => {
      const v = vectors[u];
      if (v) scoreAll(m.itemVectors, m.dim, v, out);
      else out.set(m.popularScores);
    },
  });
  return { report, sources, unknownTestItems };
}
