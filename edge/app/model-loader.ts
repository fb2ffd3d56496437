// Loads one tenant version from an ArtifactStore into a ServingModel. Every file is checked against the
// manifest's size and SHA-256 (shared/artifact/reader.ts), so a truncated or replaced file is refused whole.

import type { AnnIndex } from "../../shared/ann/types.ts";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { Manifest } from "../../shared/artifact/manifest.ts";
import { decodePack } from "../../shared/artifact/pack.ts";
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
import { AnnItemIndex, ExactItemIndex, type ItemIndex } from "./item-index.ts";
import type { ArtifactStore } from "./ports.ts";
import { type ServingModel, indexCategories, indexPopular } from "./serving-model.ts";

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
): Promise<ServingModel> {
  const t0 = Date.now();
  const source = artifactSource(store, tenant, version);
  const manifest = await readManifest(source);
  if (manifest.tenant !== tenant) throw new ArtifactError("tenant", `manifest.json belongs to tenant '${manifest.tenant}', not '${tenant}'`);
  if (manifest.version !== version) throw new ArtifactError("version", `manifest.json is version '${manifest.version}', stored as '${version}'`);
  const { items, vectors, gram } = await readItems(source, manifest);
  const itemRow = new Map<string, number>();
  items.forEach((it, r) => itemRow.set(it.id, r));
  const popular = manifest.files[ARTIFACT_FILES.popular]
    ? decodePopularJson(await readVerified(source, manifest, ARTIFACT_FILES.popular))
    : null;

  let userRow: Map<string, number> | null = null;
  let userVectors: Float32Array | null = null;
  if (manifest.files[ARTIFACT_FILES.users] && manifest.files[ARTIFACT_FILES.usersJson]) {
    const ids = decodeUsersJson(await readVerified(source, manifest, ARTIFACT_FILES.usersJson));
    const users = decodePack(await readVerified(source, manifest, ARTIFACT_FILES.users), ARTIFACT_FILES.users);
    if (users.rows !== ids.length) throw new ArtifactError("rows", `users.bin has ${users.rows} rows but users.json lists ${ids.length}`);
    if (users.dim !== vectors.dim) throw new ArtifactError("dim", `users.bin has dim ${users.dim}, items.bin ${vectors.dim}`);
    userRow = new Map();
    ids.forEach((id, r) => userRow!.set(id, r));
    userVectors = users.data;
  }

  const foldIn = createFoldIn(manifest.model.foldIn, vectors.dim, vectors.data, gram?.data ?? null);

  let index: ItemIndex;
  if (openAnn && manifest.files[ARTIFACT_FILES.index]) {
    const bytes = await readVerified(source, manifest, ARTIFACT_FILES.index);
    const ann = await openAnn(bytes, manifest);
    if (ann.size() !== vectors.rows) throw new ArtifactError("rows", `index.hnsw has ${ann.size()} points, items.bin ${vectors.rows} rows`);
    index = new AnnItemIndex(ann, bytes.byteLength, vectors.data, vectors.dim, vectors.rows);
  } else {
    index = new ExactItemIndex(vectors.data, vectors.dim, vectors.rows);
  }

  const cats = indexCategories(items);
  const pop = indexPopular(popular, itemRow, items);
  // Rough resident size: typed arrays exactly, JS objects of items.json and id maps estimated per entry.
  const bytes =
    vectors.data.byteLength +
    (userVectors?.byteLength ?? 0) +
    index.bytes +
    manifest.files[ARTIFACT_FILES.itemsJson]!.bytes * 3 +
    (userRow ? userRow.size * 80 : 0) +
    items.length * 80;
  return {
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
    index,
    bytes,
    loadedAt: Date.now(),
    loadMs: Date.now() - t0,
  };
}
