// Node-only run registry: every training run leaves `runs/<id>/run.json` with its parameters, a fingerprint of its
// data, its metrics and timings, so runs can be listed, compared and traced from an artifact back to its inputs.

import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Interactions } from "../shared/data/interactions.ts";

export interface RunRecord {
  id: string;
  kind: "train" | "pipeline";
  createdAt: string;
  model: string;
  tenant: string;
  version: string;
  artifact: string;
  data: { source: string; format: string; fingerprint: string; users: number; items: number; interactions: number };
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  baseline?: Record<string, number>;
  seconds: Record<string, number>;
  /** Train runs with a search: its budget and every point tried (parameters, validation metrics, epochs, seconds). */
  search?: { trials: unknown[]; seconds: number; budget: number; outOfBudget: boolean; pinned: Record<string, unknown>; metric: string };
  /** `--model auto`: each family judged on the same slice; `model` is the one kept. */
  candidates?: { model: string; metrics: Record<string, number>; search?: { trials: unknown[]; seconds: number; outOfBudget: boolean } }[];
  /** Pipeline runs: whether the gate let the new version go live, and why. */
  gate?: { activated: boolean; reason: string; active?: Record<string, number> };
}

export const runsDir = (dir?: string): string => resolve(dir ?? process.env.EDGEREC_RUNS ?? "runs");

/**
 * SHA-256 over the interactions as the model sees them (ids, pairs, weights), independent of file layout: the same
 * data in CSV or Parquet has the same fingerprint.
 */
export function dataFingerprint(d: Interactions): string {
  const h = createHash("sha256");
  h.update(d.userIds.ids.join("\u0000"));
  h.update("\u0001");
  h.update(d.itemIds.ids.join("\u0000"));
  for (const a of [d.users, d.items, d.weights]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest("hex");
}

export async function recordRun(record: Omit<RunRecord, "id" | "createdAt">, dir?: string): Promise<RunRecord> {
  const createdAt = new Date();
  const stamp = createdAt.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const id = `${stamp}-${record.model}-${record.data.fingerprint.slice(0, 6)}-${Math.random().toString(36).slice(2, 6)}`;
  const full: RunRecord = { id, createdAt: createdAt.toISOString(), ...record };
  const path = join(runsDir(dir), id);
  await mkdir(path, { recursive: true });
  await writeFile(join(path, "run.json"), JSON.stringify(full, null, 2) + "\n");
  return full;
}

/** Every recorded run, oldest first. Unreadable entries are skipped, not fatal. */
export async function listRuns(dir?: string): Promise<RunRecord[]> {
  const root = runsDir(dir);
  const names = await readdir(root).catch(() => [] as string[]);
  const runs: RunRecord[] = [];
  for (const name of names.sort()) {
    try {
      runs.push(JSON.parse(await readFile(join(root, name, "run.json"), "utf8")) as RunRecord);
    } catch {
      // a run directory without a readable run.json (interrupted write) is not a run
    }
  }
  return runs;
}
