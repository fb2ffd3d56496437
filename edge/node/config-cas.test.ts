// Tenant config updates are compare-and-swap (issue 13 finding 6): concurrent `edgerec keys create` runs keep every
// key, an activation does not overwrite a key created after the host cached the config, and `keys revoke` works.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKeys } from "../../trainer/cli/keys.ts";
import { buildFixture } from "../testing/fixtures.ts";
import { FsConfigStore, writeFileAtomic } from "./fs-stores.ts";
import { createNodeHost, type NodeHost } from "./server.ts";
import { artifactPath } from "./state-layout.ts";
import { nodeEdgeHost } from "./host.ts";

let state = "";
let host: NodeHost;

beforeAll(async () => {
  state = await mkdtemp(path.join(tmpdir(), "edgerec-cas-"));
  for (const v of ["v1", "v2"]) {
    const fx = await buildFixture({ tenant: "t", version: v, seed: v === "v1" ? 1 : 2 });
    for (const [name, bytes] of fx.files) await writeFileAtomic(artifactPath(state, "t", v, name), bytes);
  }
  host = createNodeHost({ stateDir: state, configTtlMs: 60_000 });
});
afterAll(async () => {
  await host?.close();
  if (state) await rm(state, { recursive: true, force: true });
});

const keys = (...a: string[]) => runKeys([...a, "--tenant", "t", "--target", "node", "--state", state], nodeEdgeHost);
const call = (p: string, key: string, method = "POST") =>
  host.app.fetch(new Request(`http://edge.test${p}`, { method, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: method === "POST" ? "{}" : undefined }));

describe("tenant config compare-and-swap", () => {
  it("keeps every key of concurrent `keys create` runs", async () => {
    const made = await Promise.all(Array.from({ length: 8 }, () => keys("create", "--role", "read")));
    const stored = (await new FsConfigStore(state).get("t"))!;
    expect(stored.keys).toHaveLength(8);
    expect(new Set(made).size).toBe(8);
  });

  it("activation keeps a key created after the host cached the config; a revoked key is refused", async () => {
    const admin = await keys("create", "--role", "admin");
    await new FsConfigStore(state).putIfMatch({ ...(await new FsConfigStore(state).get("t"))!, active: "v1" }, (await new FsConfigStore(state).getVersioned("t"))!.etag);
    expect((await call("/v1/tenants/t/recommendations", admin)).status).toBe(200); // the host caches the config (60 s)
    const late = await keys("create", "--role", "read");
    const act = await call("/v1/tenants/t/versions/v2/activate", admin);
    expect(act.status, await act.clone().text()).toBe(200);
    const stored = (await new FsConfigStore(state).get("t"))!;
    expect(stored.active).toBe("v2");
    expect(stored.previous).toBe("v1");
    expect(stored.keys.length).toBe(10);
    expect((await call("/v1/tenants/t/recommendations", late)).status).toBe(200);

    const id = (await keys("list")).split("\n").map((l) => l.split("\t")).find(([, role]) => role === "admin")![0]!;
    expect(await keys("revoke", "--id", id)).toBe(`revoked ${id}`);
    host.deps.tenants.forget("t");
    expect((await call("/v1/tenants/t/recommendations", admin)).status).toBe(403);
    await expect(keys("revoke", "--id", "abcdef123456")).rejects.toThrow(/no key with id/);
  });
});
