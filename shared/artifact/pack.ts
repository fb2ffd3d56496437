// The embedding pack (`items.bin`, `users.bin`, `gram.bin`): a versioned little-endian matrix file.
// Layout: "ERPK" | u16 version | u8 dtype (0 f32, 1 int8 + f32 scale per row) | u8 reserved | u32 rows | u32 dim
//         | matrix row-major | scales (int8 only).

import { ArtifactError } from "../errors.ts";

export const PACK_MAGIC = 0x4b505245; // "ERPK" read as a little-endian u32
export const PACK_VERSION = 1;
export const PACK_HEADER_BYTES = 16;
export type PackDtype = "float32" | "int8";

export interface EmbeddingMatrix {
  rows: number;
  dim: number;
  /** Row-major values, always float32 in memory (int8 packs are dequantised on read). */
  data: Float32Array;
}

export function packBytes(rows: number, dim: number, dtype: PackDtype): number {
  return PACK_HEADER_BYTES + (dtype === "float32" ? rows * dim * 4 : rows * dim + rows * 4);
}

export function encodePack(m: EmbeddingMatrix, dtype: PackDtype = "float32"): Uint8Array {
  if (m.data.length !== m.rows * m.dim) throw new RangeError(`matrix has ${m.data.length} values, expected ${m.rows}×${m.dim}`);
  const out = new Uint8Array(packBytes(m.rows, m.dim, dtype));
  const view = new DataView(out.buffer);
  view.setUint32(0, PACK_MAGIC, true);
  view.setUint16(4, PACK_VERSION, true);
  view.setUint8(6, dtype === "float32" ? 0 : 1);
  view.setUint8(7, 0);
  view.setUint32(8, m.rows, true);
  view.setUint32(12, m.dim, true);
  if (dtype === "float32") {
    for (let k = 0; k < m.data.length; k++) view.setFloat32(PACK_HEADER_BYTES + 4 * k, m.data[k]!, true);
    return out;
  }
  const scalesAt = PACK_HEADER_BYTES + m.rows * m.dim;
  for (let r = 0; r < m.rows; r++) {
    let max = 0;
    for (let c = 0; c < m.dim; c++) max = Math.max(max, Math.abs(m.data[r * m.dim + c]!));
    const scale = max > 0 ? max / 127 : 1;
    for (let c = 0; c < m.dim; c++) {
      const q = Math.round(m.data[r * m.dim + c]! / scale);
      view.setInt8(PACK_HEADER_BYTES + r * m.dim + c, Math.max(-127, Math.min(127, q)));
    }
    view.setFloat32(scalesAt + 4 * r, scale, true);
  }
  return out;
}

/** Reads a pack, checking magic, version, dtype and sizes; `name` goes into error messages. */
export function decodePack(bytes: Uint8Array, name = "pack"): EmbeddingMatrix & { dtype: PackDtype } {
  if (bytes.byteLength < PACK_HEADER_BYTES) {
    throw new ArtifactError("size", `${name}: ${bytes.byteLength} bytes is shorter than the ${PACK_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== PACK_MAGIC) throw new ArtifactError("magic", `${name}: not an embedding pack (magic is not ERPK)`);
  const version = view.getUint16(4, true);
  if (version !== PACK_VERSION) throw new ArtifactError("version", `${name}: pack version ${version} is not supported (expected ${PACK_VERSION})`);
  const code = view.getUint8(6);
  if (code > 1) throw new ArtifactError("dtype", `${name}: unknown dtype ${code} (expected 0 float32 or 1 int8)`);
  const dtype: PackDtype = code === 0 ? "float32" : "int8";
  // The reserved byte is written as 0; anything else is a file we did not write (or a newer format), not a pack to trust.
  const reserved = view.getUint8(7);
  if (reserved !== 0) throw new ArtifactError("reserved", `${name}: reserved header byte is ${reserved} (expected 0)`);
  const rows = view.getUint32(8, true);
  const dim = view.getUint32(12, true);
  const expected = packBytes(rows, dim, dtype);
  if (bytes.byteLength !== expected) {
    throw new ArtifactError("size", `${name}: ${bytes.byteLength} bytes, but a ${dtype} pack of ${rows}×${dim} has ${expected}`);
  }
  const data = new Float32Array(rows * dim);
  if (dtype === "float32") {
    if ((bytes.byteOffset & 3) === 0) data.set(new Float32Array(bytes.buffer, bytes.byteOffset + PACK_HEADER_BYTES, rows * dim));
    else for (let k = 0; k < data.length; k++) data[k] = view.getFloat32(PACK_HEADER_BYTES + 4 * k, true);
  } else {
    const scalesAt = PACK_HEADER_BYTES + rows * dim;
    for (let r = 0; r < rows; r++) {
      const scale = view.getFloat32(scalesAt + 4 * r, true);
      for (let c = 0; c < dim; c++) data[r * dim + c] = view.getInt8(PACK_HEADER_BYTES + r * dim + c) * scale;
    }
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k]!)) throw new ArtifactError("values", `${name}: value ${k} is not finite`);
  }
  return { rows, dim, data, dtype };
}
