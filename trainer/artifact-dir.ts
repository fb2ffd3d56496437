// Node-only: an artifact as a directory on disk — write the in-memory files, read them back as an ArtifactSource.

import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ArtifactSource } from "../shared/artifact/reader.ts";
import { isSafeArtifactPath } from "../shared/artifact/files.ts";

/** Writes every file into `dir` (created), through a temporary sibling renamed into place, so readers never see half. */
export async function writeArtifactDir(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  for (const [name, bytes] of files) {
    if (!isSafeArtifactPath(name)) throw new Error(`refusing to write unsafe artifact path '${name}'`);
    const path = join(tmp, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  await rename(tmp, dir);
}

export function dirSource(dir: string): ArtifactSource {
  return {
    async get(name) {
      if (!isSafeArtifactPath(name)) return null;
      try {
        return new Uint8Array(await readFile(join(dir, name)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    },
  };
}
