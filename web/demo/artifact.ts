// After training: the artifact in the CLI's format (trainer/export.ts, `edgerec-artifact/1`), offered as one `.tar`
// download holding the artifact directory, or published to a local edge over its admin API.

import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { exportArtifact } from "../../trainer/export.ts";
import type { TrainedModel } from "../../trainer/models/types.ts";
import { writeTar } from "./tar.ts";

export interface BuiltArtifact {
  tenant: string;
  version: string;
  files: Map<string, Uint8Array>;
}

/** A version name from the clock: `demo-20260126-130512`. */
export const demoVersion = (now = new Date()): string => `demo-${now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15)}`;

export async function buildArtifact(
  model: TrainedModel, train: Interactions, metrics: Record<string, number>, tenant: string, version: string,
): Promise<BuiltArtifact> {
  const rounded: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) rounded[k] = Math.round(v * 1e4) / 1e4;
  const files = await exportArtifact(model, train, { tenant, version, metrics: rounded });
  return { tenant, version, files };
}

/** The artifact as `<tenant>-<version>.tar` holding the directory `<tenant>-<version>/`. */
export function artifactTar(a: BuiltArtifact): { name: string; bytes: Uint8Array } {
  const dir = `${a.tenant}-${a.version}`;
  const names = [...a.files.keys()].sort((x, y) => (x === ARTIFACT_FILES.manifest ? -1 : y === ARTIFACT_FILES.manifest ? 1 : x.localeCompare(y)));
  return { name: `${dir}.tar`, bytes: writeTar(names.map((n) => ({ name: `${dir}/${n}`, bytes: a.files.get(n)! }))) };
}

export function download(name: string, bytes: Uint8Array, type = "application/x-tar"): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface PublishTarget {
  /** e.g. http://127.0.0.1:8787 */
  endpoint: string;
  /** An admin key of the tenant. */
  key: string;
}

/**
 * Uploads every file (PUT …/artifacts/{version}/{file}, manifest last) and activates the version. Resolves to a
 * line for the page; never throws: an edge that is down, refuses the key or lacks the upload route is reported.
 */
export async function publishToEdge(a: BuiltArtifact, target: PublishTarget): Promise<{ ok: boolean; message: string }> {
  const base = `${target.endpoint.replace(/\/+$/, "")}/v1/tenants/${encodeURIComponent(a.tenant)}`;
  const headers = { Authorization: `Bearer ${target.key}` };
  const order = [...a.files.keys()].filter((n) => n !== ARTIFACT_FILES.manifest);
  order.push(ARTIFACT_FILES.manifest);
  try {
    for (const name of order) {
      const res = await fetch(`${base}/artifacts/${a.version}/${name}`, {
        method: "PUT",
        headers: { ...headers, "Content-Type": "application/octet-stream" },
        body: a.files.get(name)! as Uint8Array<ArrayBuffer>,
      });
      if (!res.ok) return { ok: false, message: `upload of ${name} failed: ${await describe(res)}${hint(res.status)}` };
    }
    const res = await fetch(`${base}/versions/${a.version}/activate`, { method: "POST", headers });
    if (!res.ok) return { ok: false, message: `activation failed: ${await describe(res)}` };
    return { ok: true, message: `published ${a.tenant}/${a.version} to ${target.endpoint} and activated it` };
  } catch (err) {
    return { ok: false, message: `cannot reach the edge at ${target.endpoint} (${(err as Error).message}); is it running, and does it allow this origin (CORS)?` };
  }
}

async function describe(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error) return `${res.status} ${body.error.code}: ${body.error.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `${res.status} ${text.slice(0, 120)}`.trim();
}

const hint = (status: number): string =>
  status === 404 || status === 405
    ? " — is the tenant right, and does this edge have the upload route? Else download the .tar and run `edgerec publish --artifact DIR --tenant T --activate`"
    : status === 403
      ? " — publishing needs the tenant's admin key"
      : "";
