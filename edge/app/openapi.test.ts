// The API reference against the real app: the document passes an OpenAPI 3.1 validator, lists exactly the app's
// routes, matches docs/api.md, and real responses parse with the documented response schemas; GET on a POST
// route is 405 with Allow.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { buildFixture } from "../testing/fixtures.ts";
import { FsConfigStore, writeFileAtomic } from "../node/fs-stores.ts";
import { createNodeHost, type NodeHost } from "../node/server.ts";
import { artifactPath } from "../node/state-layout.ts";
import { generateKey, keyRecord } from "./auth.ts";
import * as R from "./api-responses.ts";
import { apiMarkdown } from "./openapi-markdown.ts";
import { ROUTES, openApiDocument } from "./openapi.ts";
import { emptyTenantConfig } from "./tenant-config.ts";

let host: NodeHost;
let state: string;
const keys = { read: generateKey(), admin: generateKey() };
const call = (method: string, p: string, key?: string, body?: unknown) =>
  host.app.fetch(
    new Request(`http://edge.test${p}`, { method, headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }),
  );
async function expectShape(res: Response, status: number, schema: z.ZodType): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
}

beforeAll(async () => {
  state = await mkdtemp(path.join(tmpdir(), "edgerec-openapi-"));
  host = createNodeHost({ stateDir: state, configTtlMs: 0 });
  const fx = await buildFixture({ tenant: "docs", version: "v1" });
  for (const [name, bytes] of fx.files) await writeFileAtomic(artifactPath(state, "docs", "v1", name), bytes);
  const config = emptyTenantConfig("docs");
  config.active = "v1";
  config.keys = [await keyRecord(keys.read, "read"), await keyRecord(keys.admin, "admin")];
  await new FsConfigStore(state).put(config);
});
afterAll(async () => {
  await host.close();
  await rm(state, { recursive: true, force: true });
});

describe("API reference", () => {
  it("is a valid OpenAPI 3.1 document, served at /openapi.json", async () => {
    const doc = openApiDocument();
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(doc);
  });

  it("documents every route of the app and nothing else", () => {
    const served = new Set(
      host.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`),
    );
    const documented = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    expect([...served].filter((r) => !documented.has(r)), "routes missing from edge/app/openapi.ts").toEqual([]);
    expect([...documented].filter((r) => !served.has(r)), "documented routes the app does not have").toEqual([]);
  });

  it("is rendered into docs/api.md (npm run docs:api)", async () => {
    expect(await readFile(new URL("../../docs/api.md", import.meta.url), "utf8")).toBe(apiMarkdown());
  });

  it("describes what the routes really answer", async () => {
    await expectShape(await call("GET", "/healthz"), 200, R.healthResponse);
    await expectShape(await call("POST", "/v1/tenants/docs/recommendations", keys.read, { userId: "user-1", count: 3, ranking: { diversity: 0.3 } }), 200, R.recommendationsResponse);
    await expectShape(await call("GET", "/v1/tenants/docs/items/item-1/similar?count=3", keys.read), 200, R.similarResponse);
    await expectShape(await call("POST", "/v1/tenants/docs/events", keys.read, [{ userId: "v:" + "0".repeat(32), itemId: "item-1", type: "click" }]), 202, R.eventsResponse);
    await expectShape(await call("POST", "/v1/tenants/docs/versions/v1/activate", keys.admin), 200, R.activateResponse);
    await expectShape(await call("POST", "/v1/tenants/docs/experiments", keys.admin, { id: "x", variants: [{ name: "a", weight: 1 }, { name: "b", weight: 1 }] }), 201, R.experimentResponse);
    await expectShape(await call("GET", "/v1/tenants/docs/experiments", keys.admin), 200, R.experimentsResponse);
    await expectShape(await call("POST", "/v1/tenants/docs/recommendations", keys.read, { userId: "user-1", count: 3 }), 200, R.recommendationsResponse);
    await expectShape(await call("POST", "/v1/tenants/docs/experiments/x/stop", keys.admin), 200, R.experimentResponse);
    await expectShape(await call("POST", "/internal/ml/recommendations", keys.read, { tenant_id: "docs", user_id: "user-1", count: 2 }), 200, R.seedResponse);
    await expectShape(await call("POST", "/v1/tenants/docs/recommendations", keys.read, { count: 3, colour: "red" }), 400, R.errorResponse);
  });

  it("answers a method a path does not take with 405 and Allow; unknown paths stay 404", async () => {
    const get = await call("GET", "/v1/tenants/docs/recommendations", keys.read);
    expect(get.status).toBe(405);
    expect(get.headers.get("Allow")).toBe("POST");
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
    const del = await call("DELETE", "/healthz");
    expect(del.status).toBe(405);
    expect(del.headers.get("Allow")).toBe("GET, HEAD");
    expect((await call("GET", "/internal/ml/recommendations")).headers.get("Allow")).toBe("POST");
    expect((await call("DELETE", "/v1/tenants/docs/artifacts/v1/items.bin", keys.admin)).headers.get("Allow")).toBe("GET, HEAD, PUT");
    expect((await call("GET", "/v1/tenants/docs/experiments", keys.admin)).status).toBe(200);
    expect((await call("GET", "/v1/nothing/here")).status).toBe(404);
  });

  it("keeps accepting the seed route's contract as it was (extra fields ignored)", async () => {
    const res = await call("POST", "/internal/ml/recommendations", keys.read, { tenant_id: "docs", user_id: "user-1", count: 2, request_id: "abc" });
    expect(res.status).toBe(200);
  });
});
