// The model loader against the stand-in edge over real HTTP, with IndexedDB from fake-indexeddb (the real
// IndexedDB is exercised in Chromium by e2e/widget.test.ts): first load downloads and stores, the second comes from
// IndexedDB, a new version replaces the old one, a corrupt file is refused (the last good version stays), offline
// uses the kept copy.
import "fake-indexeddb/auto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeShopArtifact } from "../../e2e/fixtures/widget/make-artifact.ts";
import { type StandinEdge, startStandinEdge } from "../../e2e/fixtures/widget/standin-edge.ts";
import { EdgeClient } from "./edge-client.ts";
import { loadModel as loadModelNow } from "./model-loader.ts";
import { WidgetStore } from "./widget-store.ts";

let edge: StandinEdge;
/** Loads and waits until a downloaded version is written to IndexedDB (the widget itself does not wait). */
async function loadModel(...args: Parameters<typeof loadModelNow>) {
  const result = await loadModelNow(...args);
  await result.model?.saved;
  return result;
}
const fileRequests = () => edge.requests.filter((r) => /\/artifacts\/(?!active)/.test(r.path)).length;

beforeAll(async () => {
  edge = await startStandinEdge({ tenant: "demo", key: "pk_test" });
});
afterAll(() => edge.close());

describe("loadModel", () => {
  it("downloads once, then loads from IndexedDB; a new version replaces the old; corrupt files are refused", async () => {
    const store = await WidgetStore.open("loader-test-1");
    const client = new EdgeClient({ endpoint: edge.url, tenant: "demo", key: "pk_test" });
    const v1 = await makeShopArtifact({ items: 60, dim: 8, version: "v1" });
    edge.putVersion("v1", v1.files);
    edge.activate("v1");

    const first = await loadModel(client, store, "demo");
    expect(first.problems).toEqual([]);
    expect(first.model?.from).toBe("network");
    expect(first.model?.items).toHaveLength(60);
    expect(first.model?.gram?.rows).toBe(8);
    expect(first.model?.popular?.length).toBeGreaterThan(0);
    expect(fileRequests()).toBe(4);
    expect(edge.requests.every((r) => r.method !== "GET" || r.headers.authorization === "Bearer pk_test")).toBe(true);

    const second = await loadModel(client, store, "demo");
    expect(second.model?.from).toBe("cache");
    expect(fileRequests()).toBe(4);

    const v2 = await makeShopArtifact({ items: 72, dim: 8, version: "v2", seed: 11 });
    edge.putVersion("v2", v2.files);
    edge.activate("v2");
    const third = await loadModel(client, store, "demo");
    expect(third.model?.manifest.version).toBe("v2");
    expect(third.model?.items).toHaveLength(72);
    expect(await store.getFile("demo", "v1", "items.bin")).toBeNull();
    expect((await store.getFile("demo", "v2", "items.bin"))?.sha256).toBe(third.model!.manifest.files["items.bin"]!.sha256);

    // v3's items.bin is damaged in transit (one byte flipped): refused, v2 stays in use.
    const v3 = await makeShopArtifact({ items: 72, dim: 8, version: "v3", seed: 12 });
    const bad = new Map(v3.files);
    const bin = Uint8Array.from(bad.get("items.bin")!);
    bin[100]! ^= 0xff;
    bad.set("items.bin", bin);
    edge.putVersion("v3", bad);
    edge.activate("v3");
    const fourth = await loadModel(client, store, "demo");
    expect(fourth.model?.manifest.version).toBe("v2");
    expect(fourth.problems.join("\n")).toMatch(/version v3: items\.bin: SHA-256 .* does not match the manifest/);
    expect(new TextDecoder().decode((await store.activeManifest("demo"))!)).toContain('"version":"v2"');
    store.close();
  });

  it("works offline from the kept copy, and reports when there is nothing at all", async () => {
    const store = await WidgetStore.open("loader-test-2");
    const online = new EdgeClient({ endpoint: edge.url, tenant: "demo", key: "pk_test" });
    edge.activate("v2");
    expect((await loadModel(online, store, "demo")).model?.from).toBe("network");
    const offline = new EdgeClient({ endpoint: "http://127.0.0.1:9", tenant: "demo", key: "pk_test" });
    const kept = await loadModel(offline, store, "demo");
    expect(kept.model?.manifest.version).toBe("v2");
    expect(kept.model?.from).toBe("cache");
    expect(kept.problems[0]).toMatch(/network error/);

    const empty = await WidgetStore.open("loader-test-3");
    const none = await loadModel(offline, empty, "demo");
    expect(none.model).toBeNull();
    store.close();
    empty.close();
  });

  it("fetches a kept file again when it was damaged in storage", async () => {
    const store = await WidgetStore.open("loader-test-4");
    const client = new EdgeClient({ endpoint: edge.url, tenant: "demo", key: "pk_test" });
    edge.activate("v2");
    await loadModel(client, store, "demo");
    const kept = (await store.getFile("demo", "v2", "gram.bin"))!;
    const damaged = Uint8Array.from(kept.bytes);
    damaged[20]! ^= 1;
    await store.putVersion("demo", "v2", (await store.activeManifest("demo"))!, [{ name: "gram.bin", sha256: kept.sha256, bytes: damaged }]);
    const before = fileRequests();
    const again = await loadModel(client, store, "demo");
    expect(again.model?.manifest.version).toBe("v2");
    expect(fileRequests()).toBe(before + 1);
    store.close();
  });
});
