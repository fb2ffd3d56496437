// Builds the files of an artifact in memory (name → bytes) with a manifest that lists each file's size and SHA-256.
// Writing them somewhere (a directory, R2) is the caller's job.

import type { Manifest } from "./manifest.ts";
import { ARTIFACT_FILES } from "./files.ts";
import { sha256Hex } from "./sha256.ts";

export type ManifestDraft = Omit<Manifest, "files" | "format">;

export async function sealArtifact(draft: ManifestDraft, files: Map<string, Uint8Array>): Promise<Map<string, Uint8Array>> {
  const listed: Manifest["files"] = {};
  for (const [name, bytes] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    listed[name] = { bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
  }
  const manifest: Manifest = { format: "edgerec-artifact/1", ...draft, files: listed };
  const out = new Map(files);
  out.set(ARTIFACT_FILES.manifest, encodeJson(manifest));
  return out;
}

export const encodeJson = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
