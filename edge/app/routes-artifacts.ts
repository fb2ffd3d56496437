// Artifact files for the widget, and activation. `/artifacts/{version}/{file}` is immutable (a version never
// changes: ETag = the manifest's SHA-256); `/artifacts/active/manifest.json` says which version serves now.
// Activation loads and verifies the version first: a corrupt artifact is refused (422) and nothing changes.
// Admins may upload a version file by file (PUT, manifest last, as `edgerec publish` does); a version whose
// manifest is stored is sealed, so published versions stay immutable. Activation then verifies every checksum.

import type { Context, Hono } from "hono";
import { ARTIFACT_FILES, isSafeArtifactPath } from "../../shared/artifact/files.ts";
import { parseManifest } from "../../shared/artifact/reader.ts";
import { sha256Hex } from "../../shared/artifact/sha256.ts";
import { EdgerecError } from "../../shared/errors.ts";
import { type EdgeDeps, background } from "./app.ts";
import { declaredLength, limitedStream, readLimited, tooLarge } from "./body.ts";
import { badRequest, forbidden, notFound } from "./errors.ts";
import { MAX_BODY_BYTES, MAX_UPLOAD_BYTES } from "./schemas.ts";
import { VERSION_RE, activateVersion } from "./tenant-config.ts";

/** Files that stay on the server: user vectors and users' training items (seen.bin) are never shipped to browsers. */
const PRIVATE_FILES = new Set<string>([ARTIFACT_FILES.users, ARTIFACT_FILES.usersJson, ARTIFACT_FILES.seen]);
/** Longest artifact file name (path) the routes take. */
const MAX_FILE_NAME = 128;
/** `active` names the active manifest route, so no version may be called that. */
const RESERVED_VERSIONS = new Set(["active"]);

const CONTENT_TYPES: Record<string, string> = { json: "application/json", bin: "application/octet-stream", hnsw: "application/octet-stream" };

function checkVersion(version: string): void {
  if (!VERSION_RE.test(version)) throw badRequest("bad_version", `version '${version.slice(0, 80)}' must be 1–64 of [A-Za-z0-9._-]`);
}

function checkFile(file: string): void {
  if (file.length > MAX_FILE_NAME || !isSafeArtifactPath(file)) {
    throw badRequest("bad_file", `'${file.slice(0, 80)}' is not an artifact file name (1–${MAX_FILE_NAME} of [A-Za-z0-9._-])`);
  }
}

export function artifactRoutes(app: Hono, deps: EdgeDeps): void {
  const serveFile = async (c: Context, tenant: string, version: string, file: string, immutable: boolean) => {
    checkFile(file);
    if (PRIVATE_FILES.has(file)) throw forbidden(`${file} is not served to clients`);
    const manifestBytes = await deps.artifacts.get(tenant, version, ARTIFACT_FILES.manifest);
    if (!manifestBytes) throw notFound("unknown_version", `tenant '${tenant}' has no version '${version}'`);
    const manifest = parseManifest(manifestBytes);
    const entry = file === ARTIFACT_FILES.manifest ? null : manifest.files[file];
    if (file !== ARTIFACT_FILES.manifest && !entry) throw notFound("unknown_file", `${file} is not in version '${version}'`);
    const etag = `"${entry ? entry.sha256 : await sha256Hex(manifestBytes)}"`;
    const headers: Record<string, string> = {
      "Content-Type": CONTENT_TYPES[file.split(".").pop() ?? ""] ?? "application/octet-stream",
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
      ETag: etag,
    };
    if (c.req.header("If-None-Match") === etag) return c.body(null, 304, headers);
    if (!entry) return c.body(manifestBytes as Uint8Array<ArrayBuffer>, 200, headers);
    // Files stream from the store: concurrent downloads of large files never sit whole in memory.
    const file$ = await deps.artifacts.getStream(tenant, version, file);
    if (!file$) throw notFound("unknown_file", `${file} is listed in version '${version}' but missing from the store`);
    return c.body(file$.body, 200, { ...headers, "Content-Length": String(file$.size) });
  };

  app.get("/v1/tenants/:tenant/artifacts/active/manifest.json", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "read", background(c));
    if (!config.active) throw notFound("no_active_version", `tenant '${config.tenant}' has no active model version`);
    return serveFile(c, config.tenant, config.active, ARTIFACT_FILES.manifest, false);
  });

  app.get("/v1/tenants/:tenant/artifacts/:version/:file{.+}", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "read", background(c));
    const version = c.req.param("version");
    checkVersion(version);
    return serveFile(c, config.tenant, version, c.req.param("file"), true);
  });

  app.put("/v1/tenants/:tenant/artifacts/:version/:file{.+}", async (c) => {
    // The key is checked before a byte of the body is read; the body then streams to the store, counted and hashed.
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "admin");
    const version = c.req.param("version");
    checkVersion(version);
    if (RESERVED_VERSIONS.has(version)) throw badRequest("bad_version", `'${version}' is reserved (it names the active version's route)`);
    const file = c.req.param("file");
    checkFile(file);
    const length = declaredLength(c.req.raw);
    if (length !== null && length > MAX_UPLOAD_BYTES) throw tooLarge(MAX_UPLOAD_BYTES, "an artifact file");
    if (file === ARTIFACT_FILES.manifest) {
      // A manifest is small JSON, checked before it seals the version.
      const bytes = await readLimited(c.req.raw, MAX_BODY_BYTES, "a manifest");
      const manifest = parseManifest(bytes);
      if (manifest.tenant !== config.tenant || manifest.version !== version) {
        throw badRequest("bad_manifest", `the manifest is for ${manifest.tenant}/${manifest.version}, not ${config.tenant}/${version}`);
      }
      await deps.artifacts.putStream(config.tenant, version, file, new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(), bytes.byteLength);
      return c.json({ tenant: config.tenant, version, file, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) }, 201);
    }
    const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
    const { stream, tally } = limitedStream(body, MAX_UPLOAD_BYTES, "an artifact file");
    try {
      await deps.artifacts.putStream(config.tenant, version, file, stream, length ?? (c.req.raw.body ? null : 0));
    } catch (e) {
      if (tally.bytes > MAX_UPLOAD_BYTES) throw tooLarge(MAX_UPLOAD_BYTES, "an artifact file");
      throw e;
    }
    return c.json({ tenant: config.tenant, version, file, bytes: tally.bytes, sha256: tally.sha256() }, 201);
  });

  app.post("/v1/tenants/:tenant/versions/:version/activate", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "admin");
    const version = c.req.param("version");
    checkVersion(version);
    if (!(await deps.artifacts.get(config.tenant, version, ARTIFACT_FILES.manifest))) {
      throw notFound("unknown_version", `tenant '${config.tenant}' has no version '${version}'`);
    }
    try {
      await deps.registry.load(config.tenant, version, true);
    } catch (e) {
      if (e instanceof EdgerecError) throw new EdgerecError("bad_artifact", `version '${version}' refused: ${e.message}`, 422);
      throw e;
    }
    // Applied to the freshest stored config by compare-and-swap: keys added meanwhile are kept, not overwritten.
    const next = await deps.tenants.update(config.tenant, (cur) => (cur ? activateVersion(cur, version) : null));
    if (!next) throw forbidden(`this key is not valid for tenant '${config.tenant}'`);
    return c.json({ tenant: next.tenant, active: next.active, previous: next.previous });
  });
}
