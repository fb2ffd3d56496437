// Loads the widget's model. The version kept in IndexedDB loads first, with no network wait (stale-while-revalidate);
// then the edge's active manifest says whether a newer version exists, whose files come from the edge. Every file is
// verified (size, SHA-256, format) by the shared artifact reader before use, kept copies included; a corrupt
// download is refused and the last good version stays in use. Offline, the kept version is all there is.
// A graph version with the item–item term brings neighbours.bin too, so the device scores as the edge does.

import { ARTIFACT_FILES, foldInFileOf } from "../../shared/artifact/files.ts";
import type { ItemRecord, Manifest } from "../../shared/artifact/manifest.ts";
import { checkNeighboursFit, decodeNeighbours } from "../../shared/artifact/neighbours.ts";
import { type EmbeddingMatrix, decodePack } from "../../shared/artifact/pack.ts";
import { decodeFoldInData, decodeItemsJson, decodePopularJson, parseManifest, verifyFile } from "../../shared/artifact/reader.ts";
import { ArtifactError } from "../../shared/errors.ts";
import { NeighbourScorer, listedNeighbourTerm } from "../../shared/scoring/neighbour-scorer.ts";
import type { EdgeClient } from "./edge-client.ts";
import type { WidgetStore } from "./widget-store.ts";

export interface LocalModel {
  manifest: Manifest;
  items: ItemRecord[];
  vectors: EmbeddingMatrix;
  /** YᵀY; null when the model cannot fold in (then the edge ranks). */
  gram: EmbeddingMatrix | null;
  /**
   * The fold-in method's own file (shared/artifact/files.ts foldInFileOf), when the version has one: graph models'
   * item-scales.bin (items × 1), or projection.bin (items × dim) of older graph versions.
   */
  foldInData: EmbeddingMatrix | null;
  /**
   * The graph model's sparse item–item term (neighbours.bin with the manifest's dense weight), null when the version
   * has none: added to the dense scores on the device exactly as the edge adds it.
   */
  neighbours: NeighbourScorer | null;
  /** Item ids by popularity, best first, when the artifact has `popular.json`. */
  popular: string[] | null;
  /** Where the files came from: all from IndexedDB, or at least one from the edge. */
  from: "cache" | "network";
  /**
   * Settles once a downloaded version is in IndexedDB (at once when nothing was downloaded). The model is usable
   * before: the first render does not wait for the write.
   */
  saved: Promise<void>;
}

/**
 * Whether the version can rank on the device: its fold-in method and the file that method reads (ALS's gram.bin;
 * graph models' item-scales.bin, or projection.bin of older graph versions). Otherwise the edge ranks.
 */
export function canFoldOnDevice(m: LocalModel): boolean {
  const f = m.manifest.model.foldIn;
  if (!f) return false;
  if (f.method === "mean") return true;
  if (f.method === "als") return m.gram !== null;
  return foldInFileOf(f) !== null && m.foldInData !== null;
}

export interface LoadResult {
  model: LocalModel | null;
  /** Why the newest version was not used, or why there is no model (for logs and the `edgerec-error` event). */
  problems: string[];
}

/**
 * The version stored last for `tenant`, from IndexedDB (the network only to replace a kept file that fails its
 * check): what the widget renders first, without waiting for the edge, and what it keeps using offline.
 */
export async function loadKept(edge: EdgeClient, store: WidgetStore, tenant: string): Promise<LoadResult> {
  const bytes = await store.activeManifest(tenant);
  if (!bytes) return { model: null, problems: [] };
  let manifest: Manifest;
  try {
    manifest = parseManifest(bytes);
    return { model: await loadVersion(edge, store, tenant, manifest, bytes), problems: [] };
  } catch (e) {
    return { model: null, problems: [`kept version: ${(e as Error).message}`] };
  }
}

/**
 * The edge's active version. When it is `current` (the version already in use) nothing is loaded and `unchanged`
 * is true; when it cannot be fetched or fails a check, `model` is null and `problems` says why.
 */
export async function loadActive(edge: EdgeClient, store: WidgetStore, tenant: string, current: string | null): Promise<LoadResult & { unchanged: boolean }> {
  let manifest: Manifest;
  let bytes: Uint8Array;
  try {
    bytes = await edge.activeManifest();
    manifest = parseManifest(bytes);
  } catch (e) {
    return { model: null, problems: [(e as Error).message], unchanged: false };
  }
  if (manifest.version === current) return { model: null, problems: [], unchanged: true };
  try {
    return { model: await loadVersion(edge, store, tenant, manifest, bytes), problems: [], unchanged: false };
  } catch (e) {
    return { model: null, problems: [`version ${manifest.version}: ${(e as Error).message}`], unchanged: false };
  }
}

/** The newest usable model: the edge's active version if it loads, else the kept one. */
export async function loadModel(edge: EdgeClient, store: WidgetStore, tenant: string): Promise<LoadResult> {
  const kept = await loadKept(edge, store, tenant);
  const active = await loadActive(edge, store, tenant, kept.model?.manifest.version ?? null);
  return { model: active.model ?? kept.model, problems: [...kept.problems, ...active.problems] };
}

/**
 * Loads one version's client files, each from IndexedDB when a copy with the manifest's SHA-256 is kept and passes
 * verification, else from the edge (and then it must pass). Stores the version when anything was downloaded.
 */
async function loadVersion(edge: EdgeClient, store: WidgetStore, tenant: string, manifest: Manifest, manifestBytes: Uint8Array): Promise<LocalModel> {
  if (manifest.tenant !== tenant) throw new ArtifactError("tenant", `manifest is for tenant '${manifest.tenant}', not '${tenant}'`);
  // Of the fold-in files, only the one the manifest's method reads (a graph version lists one of the two anyway).
  const foldInName = foldInFileOf(manifest.model.foldIn);
  // neighbours.bin needs the manifest's dense weight; the edge refuses a version that lists it without one, so does
  // the device (before downloading anything).
  const term = listedNeighbourTerm(manifest);
  const names = [ARTIFACT_FILES.itemsJson, ARTIFACT_FILES.items, ARTIFACT_FILES.gram, foldInName, ARTIFACT_FILES.popular, ARTIFACT_FILES.neighbours].filter(
    (n): n is NonNullable<typeof n> => n !== null && manifest.files[n] !== undefined,
  );
  if (!names.includes(ARTIFACT_FILES.items) || !names.includes(ARTIFACT_FILES.itemsJson)) {
    throw new ArtifactError("listed", "the manifest lists no items.bin / items.json");
  }
  const got = new Map<string, { bytes: Uint8Array; cached: boolean }>();
  await Promise.all(names.map(async (name) => got.set(name, await verifiedFile(edge, store, tenant, manifest, name))));
  const file = (name: string): Uint8Array => got.get(name)!.bytes;
  performance.mark?.("edgerec:files-verified");

  const items = decodeItemsJson(file(ARTIFACT_FILES.itemsJson));
  const vectors = decodePack(file(ARTIFACT_FILES.items), ARTIFACT_FILES.items);
  if (vectors.rows !== items.length) {
    throw new ArtifactError("rows", `items.bin has ${vectors.rows} rows but items.json lists ${items.length} items`);
  }
  if (vectors.dim !== manifest.model.dim) throw new ArtifactError("dim", `items.bin has dim ${vectors.dim}, the manifest says ${manifest.model.dim}`);
  let gram: EmbeddingMatrix | null = null;
  if (got.has(ARTIFACT_FILES.gram)) {
    gram = decodePack(file(ARTIFACT_FILES.gram), ARTIFACT_FILES.gram);
    if (gram.rows !== vectors.dim || gram.dim !== vectors.dim) {
      throw new ArtifactError("dim", `gram.bin is ${gram.rows}×${gram.dim}, expected ${vectors.dim}×${vectors.dim}`);
    }
  }
  const foldInData = foldInName && got.has(foldInName) ? decodeFoldInData(foldInName, file(foldInName), vectors.rows, vectors.dim) : null;
  // Checked like the edge checks it (edge/app/model-loader.ts): every field of the list, and its item count against
  // items.json's. A list that fails refuses the whole version, so the device never ranks without a term the edge adds.
  const neighbours =
    got.has(ARTIFACT_FILES.neighbours) && term
      ? new NeighbourScorer(checkNeighboursFit(decodeNeighbours(file(ARTIFACT_FILES.neighbours)), vectors.rows), term)
      : null;
  // popular.json is optional: without it cold start ranks by the item vectors alone.
  let popular: string[] | null = null;
  if (got.has(ARTIFACT_FILES.popular)) popular = decodePopularJson(file(ARTIFACT_FILES.popular)).global.map((p) => p.id);

  const downloaded = [...got.values()].some((g) => !g.cached);
  const files = [...got].map(([name, g]) => ({ name, sha256: manifest.files[name]!.sha256, bytes: g.bytes }));
  const saved = downloaded ? store.putVersion(tenant, manifest.version, manifestBytes, files) : Promise.resolve();
  saved.catch(() => undefined); // the caller decides whether to wait or to report; never an unhandled rejection
  return { manifest, items, vectors, gram, foldInData, neighbours, popular, from: downloaded ? "network" : "cache", saved };
}

async function verifiedFile(
  edge: EdgeClient,
  store: WidgetStore,
  tenant: string,
  manifest: Manifest,
  name: string,
): Promise<{ bytes: Uint8Array; cached: boolean }> {
  const kept = await store.getFile(tenant, manifest.version, name);
  if (kept && kept.sha256 === manifest.files[name]!.sha256) {
    try {
      await verifyFile(manifest, name, kept.bytes);
      return { bytes: kept.bytes, cached: true };
    } catch {
      // damaged in storage: fetch it again below
    }
  }
  const bytes = await edge.artifactFile(manifest.version, name);
  try {
    await verifyFile(manifest, name, bytes);
    return { bytes, cached: false };
  } catch {
    // The browser's HTTP cache may hold a damaged copy for a year (the files are immutable): ask the edge once more.
    const again = await edge.artifactFile(manifest.version, name, true);
    await verifyFile(manifest, name, again);
    return { bytes: again, cached: false };
  }
}
