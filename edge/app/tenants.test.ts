// The per-isolate tenant cache is bounded: 100k lookups of random tenant ids do not grow it without bound.
import { describe, expect, it } from "vitest";
import { TenantDirectory } from "./tenants.ts";

describe("TenantDirectory cache", () => {
  it("stays within its byte budget under random tenant ids", async () => {
    const dir = new TenantDirectory({ get: async () => null, put: async () => {}, getVersioned: async () => null, putIfMatch: async () => true }, 60_000, 1 << 20);
    for (let i = 0; i < 100_000; i++) await dir.get(`random-${i}`);
    expect(dir.cached).toBeLessThan(10_000);
    expect(dir.cached).toBeGreaterThan(100);
  });
});

describe("TenantDirectory when the config store fails", () => {
  it("answers from the last config it read, and 503 (not 500) for a tenant it never read", async () => {
    let down = false;
    const cfg = { format: "edgerec-tenant/1" as const, tenant: "t", active: "v1", previous: null, variants: [], keys: [], experiments: [], publishableEvents: "visitor" as const, updatedAt: "" };
    const store = {
      get: async () => {
        if (down) throw new Error("R2 unavailable");
        return cfg;
      },
      put: async () => {},
      getVersioned: async () => null,
      putIfMatch: async () => true,
    };
    const dir = new TenantDirectory(store, 0);
    expect((await dir.get("t"))?.active).toBe("v1");
    down = true;
    expect((await dir.get("t"))?.active).toBe("v1");
    await expect(dir.get("other")).rejects.toMatchObject({ status: 503, code: "config_unavailable" });
  });
});
