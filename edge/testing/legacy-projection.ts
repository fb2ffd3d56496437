// An artifact in the older graph format, for the tests that keep it supported: the same version with `projection.bin`
// (P_i = s_i · (y_i ⊙ h), items × dim, float32) and `model.foldIn = {"method":"projection",offset,exponent}` instead
// of item-scales.bin and the filter fold-in. The trainer no longer writes this; clients must still read it.

import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { decodePack, encodePack } from "../../shared/artifact/pack.ts";
import { parseManifest } from "../../shared/artifact/reader.ts";
import { sealArtifact } from "../../shared/artifact/writer.ts";

/** `files` (a graph version with the filter fold-in) rewritten to carry projection.bin, resealed as `version`. */
export async function toLegacyProjection(files: Map<string, Uint8Array>, version?: string): Promise<Map<string, Uint8Array>> {
  const manifest = parseManifest(files.get(ARTIFACT_FILES.manifest)!);
  const f = manifest.model.foldIn;
  if (f?.method !== "filter") throw new Error(`expected a filter fold-in, not ${f?.method ?? "none"}`);
  const items = decodePack(files.get(ARTIFACT_FILES.items)!, ARTIFACT_FILES.items);
  const scales = decodePack(files.get(ARTIFACT_FILES.itemScales)!, ARTIFACT_FILES.itemScales).data;
  const projection = new Float32Array(items.rows * items.dim);
  for (let i = 0; i < items.rows; i++) {
    for (let d = 0; d < items.dim; d++) projection[i * items.dim + d] = scales[i]! * items.data[i * items.dim + d]! * f.filter[d]!;
  }
  const out = new Map(files);
  out.delete(ARTIFACT_FILES.manifest);
  out.delete(ARTIFACT_FILES.itemScales);
  out.set(ARTIFACT_FILES.projection, encodePack({ rows: items.rows, dim: items.dim, data: projection }, "float32"));
  const { format: _format, files: _files, ...draft } = manifest;
  return sealArtifact(
    { ...draft, version: version ?? manifest.version, model: { ...manifest.model, foldIn: { method: "projection", offset: f.offset, exponent: f.exponent } } },
    out,
  );
}
