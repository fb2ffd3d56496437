// Loading a version: a model is counted by what its index will allocate and refused over the budget before the index
// is opened; a model whose index traps or answers nonsense is refused by the smoke queries; a seen.bin that does
// not fit users.json / items.json is refused.

import { describe, expect, it } from "vitest";
import type { AnnIndex } from "../../shared/ann/types.ts";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { buildSeenList, encodeSeen } from "../../shared/artifact/seen.ts";
import { ArtifactError } from "../../shared/errors.ts";
import { buildFixture, replaced, withMaxElements } from "../testing/fixtures.ts";
import { hnswModuleNode, openHnswNode } from "../node/hnsw.ts";
import { type AnnOpener, loadServingModel } from "./model-loader.ts";
import type { ArtifactStore } from "./ports.ts";
import { ModelRegistry } from "./registry.ts";
import { HnswIndex } from "../../shared/ann/hnsw.ts";
import { HnswWasm } from "../../shared/ann/wasm/loader.ts";

const storeOf = (files: Map<string, Uint8Array>): Pick<ArtifactStore, "get"> => ({
  get: async (_t, _v, name) => files.get(name) ?? null,
});

async function refusal(p: Promise<unknown>): Promise<ArtifactError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ArtifactError);
  return e as ArtifactError;
}

describe("loadServingModel", () => {
  it("counts the index by its capacity and refuses a version over the budget before opening the index", async () => {
    const fx = await buildFixture({ tenant: "t", version: "v1", items: 400, dim: 16, hnsw: hnswModuleNode() });
    const model = await loadServingModel(storeOf(fx.files), "t", "v1", openHnswNode);
    const record = 2 * 16 * 4 + 4 + 16 * 4 + 8;
    expect(model.index.kind).toBe("hnsw");
    expect(model.bytes).toBeGreaterThan(400 * (record + 64));
    let opened = 0;
    const counting: AnnOpener = async (b, m) => (opened++, openHnswNode(b, m));
    const e = await refusal(loadServingModel(storeOf(fx.files), "t", "v1", counting, 100_000));
    expect(e.check).toBe("memory");
    expect(e.message).toMatch(/MiB/);
    expect(opened).toBe(0);
    // A registry with a small budget refuses it too (it used to keep any model, whatever its size).
    const registry = new ModelRegistry(storeOf(fx.files), { budgetBytes: 100_000, openAnn: counting });
    await expect(registry.load("t", "v1")).rejects.toThrow(/more than the/);
  });

  it("counts slots an opener reserves beyond the file (room for item PUTs)", async () => {
    const fx = await buildFixture({ tenant: "t", version: "v1", items: 20, hnsw: hnswModuleNode() });
    const roomy: AnnOpener = async (b, m) => {
      const wasm = await HnswWasm.load(hnswModuleNode());
      return HnswIndex.deserialize(wasm, b, { space: "ip", dim: m.model.dim, capacity: 20_000 });
    };
    const record = 2 * 16 * 4 + 4 + 8 * 4 + 8;
    const model = await loadServingModel(storeOf(fx.files), "t", "v1", roomy);
    expect(model.bytes).toBeGreaterThan(20_000 * (record + 64));
    expect((await refusal(loadServingModel(storeOf(fx.files), "t", "v1", roomy, 2 * 2 ** 20))).check).toBe("memory");
  });

  it("bounds a 20-item index claiming 9,000,000 slots, so it fits a small budget", async () => {
    const fx = await buildFixture({ tenant: "t", version: "v1", items: 20, hnsw: hnswModuleNode() });
    const files = await replaced(fx.files, ARTIFACT_FILES.index, withMaxElements(fx.files, 9_000_000n));
    const model = await loadServingModel(storeOf(files), "t", "v1", openHnswNode, 4 * 2 ** 20);
    expect(model.bytes).toBeLessThan(2 * 2 ** 20);
  });

  it("refuses a model whose index traps or returns rows that are not items (smoke queries)", async () => {
    const fx = await buildFixture({ tenant: "t", version: "v1", items: 30, hnsw: hnswModuleNode() });
    const broken = (search: AnnIndex["search"]): AnnOpener =>
      async (b, m) => {
        const real = await openHnswNode(b, m);
        return Object.assign(Object.create(Object.getPrototypeOf(real) as object) as AnnIndex, real, { search, size: () => real.size() });
      };
    const trap = broken(() => {
      throw new WebAssembly.RuntimeError("memory access out of bounds");
    });
    const e1 = await refusal(loadServingModel(storeOf(fx.files), "t", "v1", trap));
    expect(e1.check).toBe("smoke");
    expect(e1.message).toMatch(/memory access out of bounds/);
    const e2 = await refusal(loadServingModel(storeOf(fx.files), "t", "v1", broken(() => [{ label: 4_000_000, score: 1 }])));
    expect(e2.message).toMatch(/not an item|returned 1 of/);
    const e3 = await refusal(loadServingModel(storeOf(fx.files), "t", "v1", broken((_q, k) => Array.from({ length: k }, (_, i) => ({ label: i, score: NaN })))));
    expect(e3.message).toMatch(/non-finite/);
  });

  it("refuses a seen.bin that does not fit users.json or items.json", async () => {
    const fx = await buildFixture({ tenant: "t", version: "v1", items: 30, users: 5 });
    const wrongUsers = encodeSeen(buildSeenList(6, 30, [0], [1]));
    const e1 = await refusal(loadServingModel(storeOf(await replaced(fx.files, ARTIFACT_FILES.seen, wrongUsers)), "t", "v1"));
    expect(e1.message).toMatch(/6 users, but users.json lists 5/);
    const wrongItems = encodeSeen(buildSeenList(5, 31, [0], [30]));
    expect((await refusal(loadServingModel(storeOf(await replaced(fx.files, ARTIFACT_FILES.seen, wrongItems)), "t", "v1"))).message).toMatch(/31 items/);
    const truncated = fx.files.get(ARTIFACT_FILES.seen)!.slice(0, -4);
    expect((await refusal(loadServingModel(storeOf(await replaced(fx.files, ARTIFACT_FILES.seen, truncated)), "t", "v1"))).message).toMatch(/byte length/);
  });
});
