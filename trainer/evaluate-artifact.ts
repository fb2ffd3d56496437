// Offline evaluation of a published artifact on interactions it may never have seen: test users are scored with
// their trained vector when the artifact knows them, else folded in from their `history` items, else by popularity;
// items in `history` are excluded; test items the artifact does not know count as misses.

import { type ArtifactModel, addHistoryTerm, historiesInArtifact, userVectorFor } from "./artifact-model.ts";
import { buildCsr } from "../shared/data/csr.ts";
import type { Interactions, UserMeta } from "../shared/data/interactions.ts";
import { EdgerecError } from "../shared/errors.ts";
import { type EvaluateOptions, evaluateRanking, type RankingReport } from "../shared/metrics/evaluate.ts";
import { vectorScorer } from "../shared/scoring/item-scorer.ts";

export interface ArtifactReport {
  report: RankingReport;
  sources: Record<string, number>;
  unknownTestItems: number;
}

export const PROTOCOLS = ["warm", "item-cold", "user-cold"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface EvaluateArtifactOptions {
  /** warm: every item is a candidate; item-cold: only items without interactions in `history` are candidates
   * (and only test interactions with them count); user-cold: only test users absent from `history`. */
  protocol?: Protocol;
  /** Attributes of users by id (user-cold: two-tower user vectors from them). */
  attributes?: Map<string, UserMeta>;
  /** Each evaluated user's metrics (`u` is the user's row in `test`), as evaluateRanking's `onUser`. */
  onUser?: EvaluateOptions["onUser"];
}

export function evaluateArtifact(m: ArtifactModel, history: Interactions, test: Interactions, ks: number[], opts: EvaluateArtifactOptions = {}): ArtifactReport {
  const protocol = opts.protocol ?? "warm";
  const known = historiesInArtifact(m, history);
  const users = test.userIds.ids;
  // item-cold candidates: artifact items no one interacted with in `history`.
  const warmItem = new Uint8Array(m.itemIds.length);
  for (let k = 0; k < history.items.length; k++) {
    const r = m.itemRow.get(history.itemIds.ids[history.items[k]!]!);
    if (r !== undefined) warmItem[r] = 1;
  }
  const inProtocol = (userId: string, itemRow: number): boolean =>
    protocol === "item-cold" ? !warmItem[itemRow] : protocol === "user-cold" ? history.userIds.get(userId) === undefined : true;
  const trainRows: number[] = [];
  const trainCols: number[] = [];
  const vectors: (Float32Array | null)[] = [];
  const histories: Int32Array[] = [];
  const sources: Record<string, number> = { personalized: 0, "fold-in": 0, attributes: 0, popular: 0 };
  users.forEach((id, u) => {
    const t = history.userIds.get(id);
    const rows = t === undefined ? new Int32Array(0) : known.rows[t]!;
    const w = t === undefined ? new Float32Array(0) : known.weights[t]!;
    for (const r of rows) {
      trainRows.push(u);
      trainCols.push(r);
    }
    histories.push(rows);
    const v = userVectorFor(m, id, rows, w, opts.attributes?.get(id));
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
    if (!inProtocol(users[test.users[k]!]!, row)) continue;
    testRows.push(test.users[k]!);
    testCols.push(row);
  }
  if (testRows.length === 0) {
    throw new EdgerecError("bad_data", protocol === "warm" ? "no test interaction names an item the artifact knows" : `no test interaction fits the ${protocol} protocol`);
  }
  const n = users.length;
  const items = m.itemIds.length;
  const ones = (len: number) => new Float32Array(len).fill(1);
  const scoreVector = vectorScorer(m.itemVectors, m.dim);
  const report = evaluateRanking({
    train: buildCsr(n, items, Int32Array.from(trainRows), Int32Array.from(trainCols), ones(trainRows.length)),
    test: buildCsr(n, items, Int32Array.from(testRows), Int32Array.from(testCols), ones(testRows.length)),
    ks,
    ...(opts.onUser ? { onUser: opts.onUser } : {}),
    scoreUser: (u, out) => {
      const v = vectors[u];
      if (v) {
        scoreVector(v, out);
        addHistoryTerm(m, users[u]!, histories[u]!, out);
      } else out.set(m.popularScores);
      if (protocol === "item-cold") for (let i = 0; i < items; i++) if (warmItem[i]) out[i] = -Infinity;
    },
  });
  return { report, sources, unknownTestItems };
}
