// Node-only: everything `npm run demo` does before it starts servers — data, a trained and evaluated artifact,
// published and activated in wrangler's local state, and API keys — reusing each step's result while still valid.

import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readItems, readManifest } from "../../shared/artifact/reader.ts";
import { hashKey } from "../../shared/store/api-keys.ts";
import type { EdgeHost } from "../../shared/store/edge-host.ts";
import { dirSource } from "../artifact-dir.ts";
import { runKeys } from "../cli/keys.ts";
import { runPublish } from "../cli/publish.ts";
import { runTrain } from "../cli/train.ts";
import { loadInteractions } from "../io/load-data.ts";
import { dataFingerprint } from "../runs.ts";
import { versionFromDate } from "../export.ts";
import { ensureSyntheticDataset } from "./synthetic-dataset.ts";

export interface DemoOptions {
  /** Working directory for the demo's files (default .edgerec). */
  home: string;
  /** wrangler's persistence dir (`wrangler dev --persist-to`). */
  state: string;
  tenant: string;
  model: "als" | "bpr";
  data?: string;
  format?: string;
  runs?: string;
  /** The edge's Node side (shared/store/edge-host.ts), from the composition root. */
  host: EdgeHost;
  log: (line: string) => void;
}

export interface DemoKeys {
  read: string;
  write: string;
  admin: string;
}

export interface PreparedDemo {
  tenant: string;
  version: string;
  artifact: string;
  data: string;
  metrics: Record<string, number>;
  baseline: Record<string, number>;
  keys: DemoKeys;
  /** A user id the model knows (for the curl example). */
  sampleUser: string;
  /** An item id of the catalog (for the events example). */
  sampleItem: string;
  reused: { artifact: boolean; publish: boolean; keys: boolean };
}

interface DemoState {
  tenant: string;
  model: string;
  fingerprint: string;
  version: string;
  artifact: string;
  metrics: Record<string, number>;
  baseline: Record<string, number>;
  keys?: DemoKeys;
}

export async function prepareDemo(o: DemoOptions): Promise<PreparedDemo> {
  const home = resolve(o.home);
  await mkdir(home, { recursive: true });
  const statePath = join(home, "demo-state.json");
  const previous = await readState(statePath);
  const dataPath = o.data ? resolve(o.data) : await ensureSyntheticDataset(join(home, "data", "synthetic"));
  const { data, format } = await loadInteractions(dataPath, o.format ?? "auto");
  const fingerprint = dataFingerprint(data);
  o.log(`demo: data ${dataPath} (${format}): ${data.userIds.size} users, ${data.itemIds.size} items, ${data.users.length} interactions`);

  let state: DemoState;
  const reuseArtifact =
    previous?.tenant === o.tenant && previous.model === o.model && previous.fingerprint === fingerprint && (await artifactIsValid(previous.artifact));
  if (reuseArtifact) {
    state = previous!;
    o.log(`demo: reusing artifact ${state.version} (same data and model)`);
  } else {
    const version = versionFromDate();
    const artifact = join(home, "artifacts", o.tenant, version);
    const args = ["--data", dataPath, "--format", format, "--model", o.model, "--tenant", o.tenant, "--version", version, "--out", artifact];
    if (o.runs) args.push("--runs", o.runs);
    const summary = await runTrain(args);
    state = { tenant: o.tenant, model: o.model, fingerprint, version, artifact, metrics: summary.metrics, baseline: summary.baseline };
  }

  const store = await o.host.openStore("local", { stateDir: o.state });
  let config;
  try {
    config = await store.getConfig(o.tenant);
  } finally {
    await store.close();
  }
  const reusePublish = config?.active === state.version;
  // The demo activates its artifact only over nothing or over its own earlier version: a version the pipeline (or
  // anyone else) activated since is newer than the demo's and stays active.
  const mayActivate = !config?.active || config.active === previous?.version;
  if (reusePublish) o.log(`demo: ${o.tenant}@${state.version} is already active in ${o.state}`);
  else if (!mayActivate) {
    o.log(`demo: ${o.tenant} serves ${config!.active} (newer than the demo's ${state.version}); left active — activate the demo's with: npx edgerec publish --artifact ${state.artifact} --tenant ${o.tenant} --target local --state ${o.state} --activate`);
  } else {
    const summary = await runPublish(["--artifact", state.artifact, "--tenant", o.tenant, "--target", "local", "--state", o.state, "--activate", "--skip-users"], o.host);
    o.log(`demo: published ${summary.tenant}@${summary.version} (${summary.files} files) and activated it`);
  }

  const storedKeys = new Set(config?.keys.map((k) => k.hash) ?? []);
  const keysValid = previous?.keys !== undefined && (await allStored(previous.keys, storedKeys));
  let keys: DemoKeys;
  if (keysValid) keys = previous!.keys!;
  else {
    const make = (role: string) => runKeys(["create", "--tenant", o.tenant, "--role", role, "--target", "local", "--state", o.state], o.host);
    keys = { read: await make("read"), write: await make("write"), admin: await make("admin") };
  }
  state.keys = keys;
  await writeFile(statePath, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  return {
    tenant: o.tenant,
    version: state.version,
    artifact: state.artifact,
    data: dataPath,
    metrics: state.metrics,
    baseline: state.baseline,
    keys,
    sampleUser: data.userIds.ids[0]!,
    sampleItem: data.itemIds.ids[0]!,
    reused: { artifact: reuseArtifact, publish: reusePublish, keys: keysValid },
  };
}

async function readState(path: string): Promise<DemoState | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as DemoState;
  } catch {
    return null;
  }
}

async function artifactIsValid(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return false;
  try {
    const source = dirSource(dir);
    await readItems(source, await readManifest(source));
    return true;
  } catch {
    return false;
  }
}

/** Keys are stored hashed in the tenant config: each of ours must still be there. */
async function allStored(keys: DemoKeys, stored: Set<string>): Promise<boolean> {
  for (const key of Object.values(keys)) if (!stored.has(await hashKey(key))) return false;
  return true;
}
