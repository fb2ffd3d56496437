// A tenant's live catalogue changes (item PUT / DELETE at the edge), stored beside its artifacts as one versioned JSON
// object (`edgerec-items-overlay/1`): a log of records with increasing `seq`, compacted to the latest record per item
// id, so it is bounded by the number of distinct ids (MAX_OVERLAY_ITEMS) and bytes (MAX_OVERLAY_BYTES). A record
// keeps the vector it was served with and the model version that vector belongs to; a server applies every record
// with a `seq` above the last it applied, on load and when the stored object's tag changes.

import { z } from "zod";
import { EdgerecError } from "../../shared/errors.ts";
import { HttpError } from "./errors.ts";

export const OVERLAY_FORMAT = "edgerec-items-overlay/1";
/** Distinct item ids (live or deleted) a tenant's overlay may hold; below the HNSW headroom of 1024 slots. */
export const MAX_OVERLAY_ITEMS = 1000;
/** Bytes of the stored overlay object (rewritten on every change). */
export const MAX_OVERLAY_BYTES = 4 * 1024 * 1024;
/** Longest model dimension a stored vector may have. */
export const MAX_VECTOR_DIM = 4096;

export const VECTOR_METHODS = ["explicit", "tower", "content", "kept"] as const;
export type VectorMethod = (typeof VECTOR_METHODS)[number];

const httpUrl = z.string().max(2048).regex(/^https?:\/\/[^\s]+$/i, "must be an http(s) URL");

/** Item metadata as items.json holds it (minus the id). */
export const itemMetaSchema = z.strictObject({
  title: z.string().max(1000).optional(),
  description: z.string().max(10_000).optional(),
  categories: z.array(z.string().min(1).max(128)).max(64).optional(),
  // http(s) only: these end up as <img src> / <a href> in pages (a javascript: URL never does).
  image: httpUrl.optional(),
  url: httpUrl.optional(),
  numbers: z
    .record(z.string().min(1).max(64), z.number())
    .refine((o) => Object.keys(o).length <= 64, "at most 64 numeric features")
    .optional(),
});
export type ItemMeta = z.infer<typeof itemMetaSchema>;

export const overlayRecordSchema = z.strictObject({
  id: z.string().min(1).max(256),
  op: z.enum(["put", "delete"]),
  seq: z.number().int().positive(),
  at: z.string(),
  /** The model version `vector` was computed for (vectors of one version mean nothing in another's space). */
  version: z.string().max(64),
  method: z.enum(VECTOR_METHODS).optional(),
  item: itemMetaSchema.optional(),
  /** Little-endian float32, base64; absent for `kept` (the artifact's trained vector stays) and deletes. */
  vector: z.string().max(Math.ceil((MAX_VECTOR_DIM * 4) / 3) + 4).optional(),
});
export type OverlayRecord = z.infer<typeof overlayRecordSchema>;

export const overlayFileSchema = z.strictObject({
  format: z.literal(OVERLAY_FORMAT),
  tenant: z.string(),
  seq: z.number().int().nonnegative(),
  records: z.array(overlayRecordSchema).max(MAX_OVERLAY_ITEMS),
});
export type OverlayFile = z.infer<typeof overlayFileSchema>;

export const emptyOverlay = (tenant: string): OverlayFile => ({ format: OVERLAY_FORMAT, tenant, seq: 0, records: [] });

export function decodeOverlay(bytes: Uint8Array, tenant: string): OverlayFile {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new EdgerecError("bad_overlay", `the item overlay of '${tenant}' is not JSON: ${(e as Error).message}`, 500);
  }
  const parsed = overlayFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EdgerecError("bad_overlay", `the item overlay of '${tenant}' is invalid at ${issue.path.join(".")}: ${issue.message}`, 500);
  }
  if (parsed.data.tenant !== tenant) throw new EdgerecError("bad_overlay", `the item overlay stored for '${tenant}' names tenant '${parsed.data.tenant}'`, 500);
  return parsed.data;
}

export const encodeOverlay = (file: OverlayFile): Uint8Array => new TextEncoder().encode(JSON.stringify(file));

export interface OverlayLimits {
  items: number;
  bytes: number;
}
export const OVERLAY_LIMITS: OverlayLimits = { items: MAX_OVERLAY_ITEMS, bytes: MAX_OVERLAY_BYTES };

/**
 * The overlay with `record` appended (its seq is the file's next) and any older record of the same id dropped.
 * When it is full, records `redundant` says the active version no longer needs are dropped first; then it refuses
 * (409 `overlay_full`) a new id past `limits.items` or an object past `limits.bytes`.
 */
export function withRecord(
  file: OverlayFile,
  record: Omit<OverlayRecord, "seq">,
  limits: OverlayLimits = OVERLAY_LIMITS,
  redundant: (r: OverlayRecord) => boolean = () => false,
): { file: OverlayFile; bytes: Uint8Array; record: OverlayRecord } {
  const seq = file.seq + 1;
  let kept = file.records.filter((r) => r.id !== record.id);
  if (kept.length >= limits.items) kept = kept.filter((r) => !redundant(r));
  if (kept.length >= limits.items) {
    throw new HttpError(409, "overlay_full", `tenant '${file.tenant}' has ${kept.length} live item changes, the most the edge keeps (${limits.items}); publish a model version trained on the new catalogue (changes it makes redundant are then dropped) or DELETE items`);
  }
  const full: OverlayRecord = { ...record, seq };
  const next: OverlayFile = { ...file, seq, records: [...kept, full] };
  const bytes = encodeOverlay(next);
  if (bytes.byteLength > limits.bytes) {
    throw new HttpError(409, "overlay_full", `tenant '${file.tenant}': the item overlay would take ${bytes.byteLength} bytes, over the ${limits.bytes} the edge keeps`);
  }
  return { file: next, bytes, record: full };
}

/** The latest record of `id`, or undefined. */
export const recordOf = (file: OverlayFile, id: string): OverlayRecord | undefined => file.records.find((r) => r.id === id);

/** Records newer than `seq`, oldest first. */
export const recordsAfter = (file: OverlayFile, seq: number): OverlayRecord[] => file.records.filter((r) => r.seq > seq).sort((a, b) => a.seq - b.seq);

export function vectorToBase64(v: Float32Array): string {
  const bytes = new Uint8Array(v.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true);
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
}

/** The stored vector, or null when it is not `dim` finite float32 values. */
export function vectorFromBase64(text: string, dim: number): Float32Array | null {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    return null;
  }
  if (bin.length !== dim * 4) return null;
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out = new Float32Array(dim);
  for (let d = 0; d < dim; d++) {
    const x = view.getFloat32(d * 4, true);
    if (!Number.isFinite(x)) return null;
    out[d] = x;
  }
  return out;
}
