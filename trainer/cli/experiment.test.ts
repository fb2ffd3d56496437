// `edgerec experiment` against the Node host's state dir: create → list → report (from the event log the edge
// writes) → stop, and the one-line errors for bad input.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileEventLog } from "../../edge/node/file-event-log.ts";
import { bucketOf, pickWeighted } from "../../shared/experiments/bucket.ts";
import type { Experiment } from "../../shared/experiments/experiment.ts";
import { runExperiment } from "./experiment.ts";
import { runKeys } from "./keys.ts";
import { nodeEdgeHost } from "../../edge/node/host.ts";

let state: string;
const run = (...args: string[]) => runExperiment([...args, "--target", "node", "--state", state], nodeEdgeHost);

beforeAll(async () => {
  state = await mkdtemp(path.join(tmpdir(), "edgerec-exp-"));
  await runKeys(["create", "--tenant", "shop", "--role", "admin", "--target", "node", "--state", state], nodeEdgeHost);
});
afterAll(() => rm(state, { recursive: true, force: true }));

describe("edgerec experiment", () => {
  it("creates, lists, reports from the event log and stops", async () => {
    const variants = JSON.stringify([{ name: "control", weight: 1 }, { name: "mmr", weight: 1, ranking: { diversity: 0.5 } }]);
    const exp = JSON.parse(await run("create", "--tenant", "shop", "--id", "mmr-test", "--variants", variants)) as Experiment;
    expect(exp.status).toBe("running");
    expect(exp.salt).toMatch(/^[0-9a-f]{24}$/);
    await expect(run("create", "--tenant", "shop", "--id", "second", "--variants", variants)).rejects.toThrow(/'mmr-test' is running; stop it first/);
    expect((JSON.parse(await run("list", "--tenant", "shop")) as Experiment[]).map((e) => e.id)).toEqual(["mmr-test"]);

    const log = new FileEventLog(state);
    const lines = [];
    for (let u = 0; u < 400; u++) {
      const user = `u${u}`;
      const name = ["control", "mmr"][pickWeighted(bucketOf(exp.salt, user), [1, 1])]!;
      const recomm_id = `mmr-test.${name}.${"a".repeat(16)}`;
      for (let k = 0; k < 5; k++) lines.push({ user_id: user, item_id: `i${k}`, type: "impression", timestamp: 1, recomm_id });
      if (u % (name === "mmr" ? 2 : 5) === 0) lines.push({ user_id: user, item_id: "i0", type: "click", timestamp: 2, recomm_id });
    }
    await log.append("shop", lines);
    const report = JSON.parse(await run("report", "--tenant", "shop"));
    expect(report.experiment).toBe("mmr-test");
    expect(report.variants.map((v: { name: string }) => v.name)).toEqual(["control", "mmr"]);
    expect(report.variants[0].users + report.variants[1].users).toBe(400);
    expect(report.variants[0].impressions).toBe(report.variants[0].users * 5);
    expect(report.detected).toBe(true);
    expect(report.lift).toBeGreaterThan(0.5);
    expect(report.srm).toBe(false);
    expect(report.test).toMatch(/fixed-horizon/);

    const file = path.join(state, "events.jsonl");
    await writeFile(file, lines.filter((l) => l.type === "impression").slice(0, 50).map((l) => JSON.stringify(l)).join("\n") + "\n");
    const fromFile = JSON.parse(await run("report", "--tenant", "shop", "--id", "mmr-test", "--events", file));
    expect(fromFile.variants.reduce((s: number, v: { impressions: number }) => s + v.impressions, 0)).toBe(50);

    const stopped = JSON.parse(await run("stop", "--tenant", "shop", "--id", "mmr-test")) as Experiment;
    expect(stopped.status).toBe("stopped");
    expect(JSON.parse(await run("report", "--tenant", "shop")).status).toBe("stopped");
  });

  it.each([
    [["start", "--tenant", "shop"], /unknown action 'start'; expected one of: create, list, stop, report/],
    [["create", "--tenant", "shop", "--id", "x"], /--variants is required/],
    [["create", "--tenant", "shop", "--id", "x", "--variants", "[{"], /--variants is not JSON/],
    [["create", "--tenant", "shop", "--id", "x", "--variants", '[{"name":"a","weight":1}]'], /--variants: an experiment needs at least 2 variants/],
    [["create", "--tenant", "shop", "--id", "x", "--variants", '[{"name":"a","weight":1},{"name":"b","weight":1,"ranking":{"diversity":7}}]'], /--variants\.1\.ranking\.diversity/],
    [["stop", "--tenant", "shop", "--id", "nope"], /no experiment 'nope'/],
    [["list", "--tenant", "nobody"], /unknown tenant 'nobody'/],
    [["report", "--tenant", "shop", "--alpha", "2"], /--alpha/],
  ])("refuses %j with one readable line", async (args, message) => {
    await expect(run(...(args as string[]))).rejects.toThrow(message);
  });
});
