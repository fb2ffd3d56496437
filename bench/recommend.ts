// bench:recommend — `edgerec recommend` over a LightGCN-format file of 30k users × 40k items × ~800k interactions
// (synthetic, planted structure): trains an ALS artifact on it, then times the recommend command end to end
// (load artifact + data, score every item for every user, write the file). Prints one JSON object.

import { mkdtemp, writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSynthetic } from "../shared/data/synthetic.ts";
import { toCsr } from "../shared/data/csr.ts";
import { runTrain } from "../trainer/cli/train.ts";
import { runRecommend } from "../trainer/cli/recommend.ts";
import { machine } from "./machine.ts";

const dir = await mkdtemp(join(tmpdir(), "edgerec-bench-rec-"));
const data = generateSynthetic({ users: 30_000, items: 40_000, interactionsPerUser: 27, dim: 16, categories: 32, seed: 11 });
const byUser = toCsr(data);
const lines: string[] = [];
for (let u = 0; u < byUser.rows; u++) {
  const items = Array.from(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!), (i) => data.itemIds.ids[i]);
  lines.push(`${data.userIds.ids[u]} ${items.join(" ")}`);
}
const file = join(dir, "train.txt");
await writeFile(file, lines.join("\n") + "\n");

const dim = Number(process.env.DIM ?? 64);
const t0 = performance.now();
const trained = await runTrain(["--data", file, "--format", "lightgcn", "--dim", String(dim), "--epochs", "5", "--holdout", "0", "--out", join(dir, "art"), "--no-index"]);
const trainSeconds = (performance.now() - t0) / 1000;
const t1 = performance.now();
const out = join(dir, "recs.tsv");
const r = await runRecommend(["--artifact", join(dir, "art"), "--data", file, "--k", "20", "--out", out]);
const recommendSeconds = (performance.now() - t1) / 1000;
console.log(
  JSON.stringify({
    bench: "recommend",
    data: { format: "lightgcn", ...trained.counts },
    dim,
    k: 20,
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    recommendSeconds: Math.round(recommendSeconds * 10) / 10,
    usersWritten: r.users,
    outputBytes: (await stat(out)).size,
    machine: machine(),
  }),
);
