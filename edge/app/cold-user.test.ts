// The cold-user path's failure mode: a version whose towers cannot be read serves its new users as before (popular),
// never an error, and does not re-read the towers on every request.
import { describe, expect, it, vi } from "vitest";
import { categoryName } from "../testing/fixtures.ts";
import { SEGMENT, buildTwoTowerFixture } from "../testing/two-tower-fixture.ts";
import { LayeredEmbeddingCache, MemoryEmbeddingCache } from "./embedding-cache.ts";
import { MemoryRecentItems } from "./recent-items.ts";
import { recommend } from "./recommender.ts";
import { ModelRegistry } from "./registry.ts";
import { emptyTenantConfig } from "./tenant-config.ts";

describe("cold-user vectors when the towers cannot be read", async () => {
  const fx = await buildTwoTowerFixture({ tenant: "t", version: "v1", coldUserHead: true });
  const request = { attributes: { [SEGMENT]: categoryName(1), age: 30 }, count: 5, excludeSeen: true };
  const config = { ...emptyTenantConfig("t"), active: "v1" };
  const setup = (corrupt: boolean) => {
    const reads: string[] = [];
    const store = {
      get: async (_t: string, _v: string, name: string) => {
        reads.push(name);
        const bytes = fx.files.get(name);
        if (!bytes || !corrupt || !name.startsWith("model/") || name.endsWith(".json")) return bytes ?? null;
        const bad = bytes.slice();
        bad[0]! ^= 0xff;
        return bad;
      },
    };
    const deps = { registry: new ModelRegistry(store, { budgetBytes: 1 << 30 }), cache: new LayeredEmbeddingCache(new MemoryEmbeddingCache(), null), recent: new MemoryRecentItems(), artifacts: store };
    return { deps, reads };
  };

  it("serves popular, warns once, and does not retry within the back-off", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { deps, reads } = setup(true);
    const first = await recommend(deps, config, request);
    expect(first.source).toBe("popular");
    const shardReads = () => reads.filter((n) => n.startsWith("model/")).length;
    const after = shardReads();
    expect(after).toBeGreaterThan(0);
    expect((await recommend(deps, config, request)).source).toBe("popular");
    expect(shardReads()).toBe(after);
    expect(warn.mock.calls.filter((c) => String(c[0]).includes("towers not loaded"))).toHaveLength(1);
    warn.mockRestore();
    // The same artifact intact: served by the head.
    expect((await recommend(setup(false).deps, config, request)).source).toBe("cold-user");
  });
});
