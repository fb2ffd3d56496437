// The worker_threads pool computes the same ALS as the main thread alone (the kernels are the same source; only the
// gram matrix's summation order differs), and the pool's process still exits (workers are unref'd when idle).

import { afterAll, describe, expect, it } from "vitest";
import { generateSynthetic } from "../../shared/data/synthetic.ts";
import { trainModel } from "../train.ts";
import { alsExecutor, setAlsExecutor } from "./als-exec.ts";
import { useAlsThreads } from "./als-pool.ts";

afterAll(() => setAlsExecutor(null));

describe("ALS thread pool", () => {
  it("matches the single-threaded fit, CG and exact steps alike", async () => {
    const data = generateSynthetic({ users: 400, items: 300, interactionsPerUser: 20, categories: 6, seed: 9 });
    for (const dim of [12, 40]) {
      setAlsExecutor(null);
      const one = await trainModel("als", data, { dim, epochs: 4, seed: 3 });
      expect(useAlsThreads(2)).toBe(2);
      expect(alsExecutor().threads).toBe(2);
      const two = await trainModel("als", data, { dim, epochs: 4, seed: 3 });
      expect(two.backend).toMatch(/2 threads/);
      let maxDiff = 0;
      let maxAbs = 0;
      for (let k = 0; k < one.itemFactors.length; k++) {
        maxDiff = Math.max(maxDiff, Math.abs(one.itemFactors[k]! - two.itemFactors[k]!));
        maxAbs = Math.max(maxAbs, Math.abs(one.itemFactors[k]!));
      }
      expect(maxDiff).toBeLessThan(1e-4 * maxAbs);
    }
  }, 120_000);
});
