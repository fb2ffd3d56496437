// Reads an artifact from any byte source (file system, R2, fetch) and refuses what fails a check:
// manifest schema, each file's size and SHA-256, then each format's own magic/version/size checks.

import { ArtifactError } from "../errors.ts";
import { ARTIFACT_FILES, foldInFileOf } from "./files.ts";
import {
  type ItemRecord,
  type Manifest,
  type PopularFile,
  itemsFileSchema,
  manifestSchema,
  popularFileSchema,
  usersFileSchema,
} from "./manifest.ts";
import { type EmbeddingMatrix, decodePack } from "./pack.ts";
import { sha256Hex } from "./sha256.ts";

/** Where artifact bytes come from. `get` resolves null when the file does not exist. */
export interface ArtifactSource {
  get(name: string): Promise<Uint8Array | null>;
}

export function parseManifest(bytes: Uint8Array | string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ArtifactError("manifest", `manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ArtifactError("manifest", `manifest.json: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Checks a file's size and SHA-256 against the manifest. */
export async function verifyFile(manifest: Manifest, name: string, bytes: Uint8Array): Promise<void> {
  const entry = manifest.files[name];
  if (!entry) throw new ArtifactError("listed", `${name} is not listed in the manifest`);
  if (bytes.byteLength !== entry.bytes) {
    throw new ArtifactError("size", `${name}: ${bytes.byteLength} bytes, the manifest says ${entry.bytes} (truncated or replaced?)`);
  }
  const hash = await sha256Hex(bytes);
  if (hash !== entry.sha256) throw new ArtifactError("sha256", `${name}: SHA-256 ${hash.slice(0, 12)}… does not match the manifest`);
}

export async function readManifest(source: ArtifactSource): Promise<Manifest> {
  const bytes = await source.get(ARTIFACT_FILES.manifest);
  if (!bytes) throw new ArtifactError("missing", "manifest.json is missing");
  return parseManifest(bytes);
}

/** Fetches a file listed in the manifest and verifies it. */
export async function readVerified(source: ArtifactSource, manifest: Manifest, name: string): Promise<Uint8Array> {
  if (!manifest.files[name]) throw new ArtifactError("listed", `${name} is not listed in the manifest`);
  const bytes = await source.get(name);
  if (!bytes) throw new ArtifactError("missing", `${name} is listed in the manifest but missing`);
  await verifyFile(manifest, name, bytes);
  return bytes;
}

function parseJson<T>(bytes: Uint8Array, name: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ArtifactError("json", `${name} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ArtifactError("schema", `${name}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

export const decodeItemsJson = (bytes: Uint8Array): ItemRecord[] => parseJson(bytes, ARTIFACT_FILES.itemsJson, itemsFileSchema).items;
export const decodeUsersJson = (bytes: Uint8Array): string[] => parseJson(bytes, ARTIFACT_FILES.usersJson, usersFileSchema).ids;
export const decodePopularJson = (bytes: Uint8Array): PopularFile => parseJson(bytes, ARTIFACT_FILES.popular, popularFileSchema);

/** Everything a server or client needs to score items, verified. */
export interface LoadedItems {
  manifest: Manifest;
  items: ItemRecord[];
  vectors: EmbeddingMatrix;
  /** YᵀY for fold-in; null when the model does not support it. */
  gram: EmbeddingMatrix | null;
  /**
   * The fold-in method's own file (files.ts foldInFileOf), decoded and shape-checked: item-scales.bin (items × 1) for
   * "filter", projection.bin (items × dim) for "projection"; null when the method has none or the version lacks it.
   */
  foldInData: EmbeddingMatrix | null;
}

/**
 * Decodes a fold-in file and refuses one unlike items.bin: item-scales.bin must be rows × 1, projection.bin rows × dim
 * (every value finite: decodePack checks).
 */
export function decodeFoldInData(name: string, bytes: Uint8Array, rows: number, dim: number): EmbeddingMatrix {
  const m = decodePack(bytes, name);
  const width = name === ARTIFACT_FILES.itemScales ? 1 : dim;
  if (m.rows !== rows || m.dim !== width) {
    throw new ArtifactError(m.rows !== rows ? "rows" : "dim", `${name} is ${m.rows}×${m.dim}, expected ${rows}×${width} (a row per item of items.bin)`);
  }
  return m;
}

export async function readItems(source: ArtifactSource, manifest?: Manifest): Promise<LoadedItems> {
  const m = manifest ?? (await readManifest(source));
  const items = decodeItemsJson(await readVerified(source, m, ARTIFACT_FILES.itemsJson));
  const vectors = decodePack(await readVerified(source, m, ARTIFACT_FILES.items), ARTIFACT_FILES.items);
  if (vectors.rows !== items.length) {
    throw new ArtifactError("rows", `items.bin has ${vectors.rows} rows but items.json lists ${items.length} items`);
  }
  if (vectors.dim !== m.model.dim) throw new ArtifactError("dim", `items.bin has dim ${vectors.dim}, the manifest says ${m.model.dim}`);
  let gram: EmbeddingMatrix | null = null;
  if (m.files[ARTIFACT_FILES.gram]) {
    gram = decodePack(await readVerified(source, m, ARTIFACT_FILES.gram), ARTIFACT_FILES.gram);
    if (gram.rows !== m.model.dim || gram.dim !== m.model.dim) {
      throw new ArtifactError("dim", `gram.bin is ${gram.rows}×${gram.dim}, expected ${m.model.dim}×${m.model.dim}`);
    }
  }
  const foldInName = foldInFileOf(m.model.foldIn);
  const foldInData = foldInName && m.files[foldInName] ? decodeFoldInData(foldInName, await readVerified(source, m, foldInName), vectors.rows, vectors.dim) : null;
  return { manifest: m, items, vectors, gram, foldInData };
}
