// The whole loop on one machine, as `npm run demo` sets it up: synthetic data → train → publish to wrangler's local
// state → the Worker (wrangler dev) serves personalised results for a known user → events posted for a new user →
// the very next request reflects them → `edgerec pipeline` retrains from the event log, passes the gate and
// activates a new version → the API reports the new modelVersion.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeItemsJson, decodeUsersJson } from "../shared/artifact/reader.ts";
import { decodeSeen, seenRowsOf } from "../shared/artifact/seen.ts";
import { startWranglerDev, type WranglerDev } from "../edge/node/wrangler-dev.ts";
import { prepareDemo, type PreparedDemo } from "../trainer/demo/prepare.ts";
import { runPipeline } from "../trainer/pipeline.ts";
import { listRuns } from "../trainer/runs.ts";
import { nodeEdgeHost } from "../edge/node/host.ts";

const repo = path.resolve(import.meta.dirname, "..");
const tenant = "loop";
let tmp = "";
let demo: PreparedDemo;
let dev: WranglerDev;
const dirs = () => ({ home: path.join(tmp, "home"), state: path.join(tmp, "state"), runs: path.join(tmp, "runs") });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "edgerec-loop-"));
  demo = await prepareDemo({ ...dirs(), tenant, model: "als", host: nodeEdgeHost, log: () => {} });
  dev = await startWranglerDev({ cwd: repo, persistTo: dirs().state, timeoutMs: 180_000 });
}, 300_000);

afterAll(async () => {
  await dev?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function recommend(userId: string, count = 10): Promise<{ items: { id: string }[]; modelVersion: string; source: string }> {
  const res = await fetch(`${dev.url}/v1/tenants/${tenant}/recommendations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${demo.keys.read}`, "Content-Type": "application/json" },
    body: JSON.stringify({ userId, count }),
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ items: { id: string }[]; modelVersion: string; source: string }>;
}

describe("the demo loop", () => {
  it("serves, learns from events, retrains and activates a new version", async () => {
    const health = await fetch(`${dev.url}/healthz`);
    expect(health.status).toBe(200);

    const known = await recommend(demo.sampleUser);
    expect(known).toMatchObject({ source: "personalized", modelVersion: demo.version });
    expect(known.items).toHaveLength(10);
    // The README's curl (the sample user, through the Worker): none of the user's training items comes back.
    const items = decodeItemsJson(new Uint8Array(await readFile(path.join(demo.artifact, "items.json"))));
    const userIds = decodeUsersJson(new Uint8Array(await readFile(path.join(demo.artifact, "users.json"))));
    const seen = decodeSeen(new Uint8Array(await readFile(path.join(demo.artifact, "seen.bin"))));
    const trained = new Set(Array.from(seenRowsOf(seen, userIds.indexOf(demo.sampleUser)), (r) => items[r]!.id));
    expect(trained.size).toBeGreaterThan(0);
    expect(known.items.filter((i) => trained.has(i.id))).toEqual([]);

    // New visitors who each look at items of one category.
    const category = items[0]!.categories![0]!;
    const inCategory = items.filter((i) => i.categories?.includes(category)).map((i) => i.id);
    const share = (ids: string[]) => ids.filter((id) => inCategory.includes(id)).length / ids.length;
    const events = [];
    for (let u = 0; u < 12; u++) {
      for (let k = 0; k < 4; k++) {
        events.push({ userId: `newcomer-${u}`, itemId: inCategory[(u * 4 + k) % inCategory.length]!, type: "click", ts: Date.now() - 3_600_000 + u * 10 + k });
      }
    }
    const before = await recommend("newcomer-0");
    expect(before.source).toBe("popular");
    const posted = await fetch(`${dev.url}/v1/tenants/${tenant}/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${demo.keys.write}`, "Content-Type": "application/json" },
      body: JSON.stringify(events),
    });
    expect(posted.status).toBe(202);

    const after = await recommend("newcomer-0");
    expect(after.source).toBe("fold-in");
    expect(share(after.items.map((i) => i.id))).toBeGreaterThan(share(before.items.map((i) => i.id)));
    expect(share(after.items.map((i) => i.id))).toBeGreaterThanOrEqual(0.5);

    const summary = await runPipeline({ host: nodeEdgeHost, tenant, target: "local", state: dirs().state, runs: dirs().runs, artifacts: path.join(dirs().home, "artifacts") });
    expect(summary.events).toBe(events.length);
    expect(summary.slice.kind).toBe("new-events");
    expect(summary.active?.version).toBe(demo.version);
    expect(summary.gate.passed, JSON.stringify({ gate: summary.gate, candidate: summary.candidate, active: summary.active })).toBe(true);
    expect(summary.gate.forced).toBe(false);
    expect(summary.published).toMatchObject({ active: summary.candidate.version, previous: demo.version });
    const runs = await listRuns(dirs().runs);
    expect(runs.map((r) => r.kind)).toEqual(["train", "pipeline"]);

    // The Worker picks the new active version up without a restart.
    let served = "";
    for (let i = 0; i < 60 && served !== summary.candidate.version; i++) {
      served = (await recommend(demo.sampleUser)).modelVersion;
      if (served !== summary.candidate.version) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(served).toBe(summary.candidate.version);
    // The retrained model knows the newcomers: they are now served their trained vectors.
    const retrained = await recommend("newcomer-0");
    expect(retrained.modelVersion).toBe(summary.candidate.version);
    expect(retrained.source).toBe("personalized");
  }, 600_000);
});
