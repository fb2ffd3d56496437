// Tenant config in R2 is updated by compare-and-swap (issue 13 finding 6): concurrent updates inside workerd keep
// every change; a stale etag loses; a tenant with only a legacy KV config is read from KV and moved on update.
/// <reference types="@cloudflare/vitest-pool-workers/types" />
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { keyRecord } from "../app/auth.ts";
import { updateTenantConfig } from "../app/config-update.ts";
import { emptyTenantConfig } from "../app/tenant-config.ts";
import { kvConfigKey } from "../../shared/store/keys.ts";
import type { Env } from "./bindings.ts";
import { R2ConfigStore } from "./r2-config.ts";

const e = env as unknown as Env;

describe("R2ConfigStore compare-and-swap", () => {
  it("keeps all of 8 concurrent key additions and refuses a stale etag", async () => {
    const store = new R2ConfigStore(e.ARTIFACTS);
    await store.put(emptyTenantConfig("cas"));
    const records = await Promise.all(Array.from({ length: 8 }, (_, i) => keyRecord(`erk_${i}`, "read")));
    await Promise.all(records.map((r) => updateTenantConfig(store, "cas", (cur) => ({ ...cur!, keys: [...cur!.keys, r] }))));
    expect((await store.get("cas"))!.keys).toHaveLength(8);
    const v = (await store.getVersioned("cas"))!;
    expect(await store.putIfMatch({ ...v.config, active: "x" }, v.etag)).toBe(true);
    expect(await store.putIfMatch({ ...v.config, active: "y" }, v.etag)).toBe(false);
    expect(await store.putIfMatch(emptyTenantConfig("cas"), null)).toBe(false);
    expect((await store.get("cas"))!.active).toBe("x");
  });

  it("reads a legacy KV config and writes it to R2 on the first update", async () => {
    await e.CONFIG.put(kvConfigKey("legacy"), JSON.stringify({ ...emptyTenantConfig("legacy"), active: "v1" }));
    const store = new R2ConfigStore(e.ARTIFACTS, e.CONFIG);
    expect((await store.getVersioned("legacy"))).toMatchObject({ etag: null, config: { active: "v1" } });
    await updateTenantConfig(store, "legacy", (cur) => ({ ...cur!, active: "v2" }));
    expect((await store.getVersioned("legacy"))!.etag).not.toBeNull();
    expect((await store.get("legacy"))!.active).toBe("v2");
  });
});
