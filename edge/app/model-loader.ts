// Loads one tenant version from an ArtifactStore into a ServingModel. Every file is checked against the
// manifest's size and SHA-256 (shared/artifact/reader.ts), so a truncated or replaced file is refused whole.
// An index is counted by what it will allocate (its capacity × record size, read from the header before loading),
// a model over the memory budget is refused, and a loaded model must answer a few real queries (smoke.ts) before
// anyone is told it loaded.

import type { AnnIndex } from "../../shared/ann/types.ts";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { ItemTable } from "../../shared/artifact/item-table.ts";
import type { Manifest } from "../../shared/artifact/manifest.ts";
import { IdTable } from "../../shared/data/id-table.ts";
import { decodePack } from "../../shared/artifact/pack.ts";
import { type SeenList, checkSeenFits, decodeSeen } from "../../shared/artifact/seen.ts";
import { HNSW_SLOT_OVERHEAD, type HnswFileInfo, hnswFileInfo } from "../../shared/ann/hnsw-header.ts";
import {
  type ArtifactSource,
  decodePopularJson,
  decodeUsersJson,
  readItems,
  readManifest,
  readVerified,
} from "../../shared/artifact/reader.ts";
import { ArtifactError } from "../../shared/errors.ts";
import { createFoldIn } from "../../shared/scoring/foldin.ts";
import { checkNeighboursFit, decodeNeighbours } from "../../shared/artifact/neighbours.ts";
import { NeighbourScorer, graphNormalisation, listedNeighbourTerm } from "../../shared/scoring/neighbour-scorer.ts";
import { AnnItemIndex, ExactItemIndex, type ItemIndex } from "./item-index.ts";
import { newLiveCatalogue } from "./live-catalogue.ts";
import type { ArtifactStore } from "./ports.ts";
import { type ServingModel, indexCategories, indexPopular } from "./serving-model.ts";
import { smokeTest } from "./smoke.ts";

/** Opens `index.hnsw` bytes as an AnnIndex (the HNSW wasm loader); absent → exact search. */
export type AnnOpener = (bytes: Uint8Array, manifest: Manifest) => Promise<AnnIndex>;

/** Loading needs only reads. */
type ArtifactReader = Pick<ArtifactStore, "get">;

export function artifactSource(store: ArtifactReader, tenant: string, version: string): ArtifactSource {
  return { get: (name) => store.get(tenant, version, name) };
}

export async function loadServingModel(
  store: ArtifactReader,
  tenant: string,
  version: string,
  openAnn?: AnnOpener,
  /** Bytes one model may take (the registry's budget); a model that would need more is refused. */
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<ServingModel> {
  const t0 = Date.now();
  const source = artifactSource(store, tenant, version);
  const manifest = await readManifest(source);
  if (manifest.tenant !== tenant) throw new ArtifactError("tenant", `manifest.json belongs to tenant '${manifest.tenant}', not '${tenant}'`);
  if (manifest.version !== version) throw new ArtifactError("version", `manifest.json is version '${manifest.version}', stored as '${version}'`);
  const loaded = await readItems(source, manifest);
  const { vectors, gram, foldInData } = loaded;
  // Compact: the parsed records become garbage here, so the serving isolate's GC never marks them again.
  const items = ItemTable.from(loaded.items);
  loaded.items = [];
  const itemRow = items.ids;
  const popular = manifest.files[ARTIFACT_FILES.popular]
    ? decodePopularJson(await readVerified(source, manifest, ARTIFACT_FILES.popular))
    : null;

  let userRow: IdTable | null = null;
  let userVectors: Float32Array | null = null;
  const hasSeen = manifest.files[ARTIFACT_FILES.seen] !== undefined;
  // Graph models' trained user vectors are the fold-in of the user's training items (binary weights): with seen.bin
  // a known user is folded in per request (one sparse product, ~n·dim) and users.bin is never held — a fifth of a
  // Gowalla-size model's memory.
  const knownUsersFold = hasSeen && foldsKnownUsersFromSeen(manifest);
  if (manifest.files[ARTIFACT_FILES.usersJson] && (manifest.files[ARTIFACT_FILES.users] || hasSeen)) {
    const ids = decodeUsersJson(await readVerified(source, manifest, ARTIFACT_FILES.usersJson));
    userRow = IdTable.from(ids);
    if (manifest.files[ARTIFACT_FILES.users] && !knownUsersFold) {
      const users = decodePack(await readVerified(source, manifest, ARTIFACT_FILES.users), ARTIFACT_FILES.users);
      if (users.rows !== ids.length) throw new ArtifactError("rows", `users.bin has ${users.rows} rows but users.json lists ${ids.length}`);
      if (users.dim !== vectors.dim) throw new ArtifactError("dim", `users.bin has dim ${users.dim}, items.bin ${vectors.dim}`);
      userVectors = users.data;
    }
  }
  // Known users' training items: left out of what they are recommended. Older artifacts have none.
  let seen: SeenList | null = null;
  if (hasSeen) {
    if (!userRow) throw new ArtifactError("seen", "seen.bin needs users.json, which the manifest does not list");
    seen = checkSeenFits(decodeSeen(await readVerified(source, manifest, ARTIFACT_FILES.seen)), userRow.size, vectors.rows);
  } else {
    console.warn(`edgerec: ${tenant}/${version} has no seen.bin (an older artifact): known users' training items cannot be excluded`);
  }

  // The graph model's item–item term: both the file and its dense weight, or neither.
  let neighbours: NeighbourScorer | null = null;
  const term = listedNeighbourTerm(manifest);
  if (term) {
    const list = checkNeighboursFit(decodeNeighbours(await readVerified(source, manifest, ARTIFACT_FILES.neighbours)), vectors.rows);
    neighbours = new NeighbourScorer(list, term);
  }
  const foldIn = createFoldIn(manifest.model.foldIn, vectors.dim, vectors.data, gram?.data ?? null, foldInData?.data ?? null);
  // Everything but the index: typed arrays exactly, the compact item and user tables by their own count.
  const baseBytes =
    vectors.data.byteLength +
    // The fold-in's own file: item-scales.bin (4 bytes an item) or, in older graph versions, projection.bin (items × dim).
    (foldInData?.data.byteLength ?? 0) +
    (userVectors?.byteLength ?? 0) +
    (seen ? seen.offsets.byteLength + seen.rows.byteLength : 0) +
    (neighbours?.bytes ?? 0) +
    items.bytes +
    (userRow?.bytes ?? 0);
  const overBudget = (bytes: number, what: string) =>
    new ArtifactError("memory", `${what} needs ${Math.ceil(bytes / 2 ** 20)} MiB, more than the ${Math.floor(maxBytes / 2 ** 20)} MiB a model may use here`);

  let index: ItemIndex;
  if (openAnn && manifest.files[ARTIFACT_FILES.index]) {
    const bytes = await readVerified(source, manifest, ARTIFACT_FILES.index);
    let info: HnswFileInfo;
    try {
      info = hnswFileInfo(bytes);
    } catch (e) {
      throw new ArtifactError("index", `index.hnsw: ${(e as Error).message}`);
    }
    let resident = info.residentBytes;
    // Refused before the index allocates anything: the header says what it would take.
    if (baseBytes + resident > maxBytes) throw overBudget(baseBytes + resident, "this version with its index.hnsw");
    const ann = await openAnn(bytes, manifest);
    // An opener may reserve more slots than the file has (room for item PUTs): count those too.
    const capacity = (ann as { capacity?: unknown }).capacity;
    if (typeof capacity === "number" && capacity > info.capacity) resident += (capacity - info.capacity) * (info.recordBytes + HNSW_SLOT_OVERHEAD);
    if (ann.size() !== vectors.rows) throw new ArtifactError("rows", `index.hnsw has ${ann.size()} points, items.bin ${vectors.rows} rows`);
    index = new AnnItemIndex(ann, resident, vectors.data, vectors.dim, vectors.rows);
  } else {
    index = new ExactItemIndex(vectors.data, vectors.dim, vectors.rows);
  }

  const cats = indexCategories(items);
  const pop = indexPopular(popular, itemRow, items.length);
  const bytes = baseBytes + index.bytes;
  if (bytes > maxBytes) throw overBudget(bytes, "this version");
  const model: ServingModel = {
    tenant,
    version,
    manifest,
    dim: vectors.dim,
    rows: vectors.rows,
    items,
    itemRow,
    vectors: vectors.data,
    ...cats,
    ...pop,
    foldIn,
    userRow,
    userVectors,
    knownUsersFold: knownUsersFold && foldIn !== null,
    seen,
    index,
    neighbours,
    live: newLiveCatalogue(vectors.rows, gram?.data ?? null, foldInData?.data ?? null),
    bytes,
    loadedAt: Date.now(),
    loadMs: 0,
  };
  smokeTest(model);
  model.loadMs = Date.now() - t0;
  return model;
}

/**
 * Whether a known user's trained vector is exactly the fold-in of their seen.bin rows: graph models (filter or
 * projection fold-in) trained with binary weights — each training item counts once, as seen.bin lists it.
 */
export function foldsKnownUsersFromSeen(manifest: Manifest): boolean {
  return graphNormalisation(manifest.model.foldIn) !== null && manifest.model.params.weighting === "binary";
}
