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

describe("TenantDirectory stale-while-revalidate", () => {
  const cfg = (active: string) => ({ format: "edgerec-tenant/1" as const, tenant: "t", active, previous: null, variants: [], keys: [], experiments: [], publishableEvents: "visitor" as const, updatedAt: "" });
  function slowStore() {
    let current = cfg("v1");
    let release: (() => void) | null = null;
    let reads = 0;
    return {
      set: (active: string) => (current = cfg(active)),
      reads: () => reads,
      gate: () => new Promise<void>((r) => (release = r)),
      open: () => release?.(),
      store: {
        get: async () => {
          reads++;
          const snapshot = current;
          if (release === null) return snapshot;
          await new Promise<void>((r) => {
            const done = release!;
            release = () => (done(), r());
          });
          return snapshot;
        },
        put: async () => {},
        getVersioned: async () => null,
        putIfMatch: async () => true,
      },
    };
  }

  it("answers an expired entry at once and refreshes it once in the background", async () => {
    const s = slowStore();
    const dir = new TenantDirectory(s.store, 1);
    expect((await dir.get("t"))?.active).toBe("v1");
    await new Promise((r) => setTimeout(r, 5)); // expired
    s.set("v2");
    void s.gate(); // the store hangs until opened
    const work: Promise<unknown>[] = [];
    const bg = (p: Promise<unknown>) => void work.push(p);
    expect((await dir.get("t", bg))?.active).toBe("v1"); // stale, not waiting on the store
    expect((await dir.get("t", bg))?.active).toBe("v1");
    expect(work).toHaveLength(1); // one refresh in flight per tenant
    s.open();
    await Promise.all(work);
    expect(s.reads()).toBe(2);
    expect((await dir.get("t", () => {}))?.active).toBe("v2");
  });

  it("waits for the store without a background runner, or with a TTL of 0", async () => {
    const s = slowStore();
    const dir = new TenantDirectory(s.store, 0);
    await dir.get("t");
    s.set("v2");
    expect((await dir.get("t"))?.active).toBe("v2");
    s.set("v3");
    expect((await dir.get("t", () => {}))?.active).toBe("v3");
  });
});
