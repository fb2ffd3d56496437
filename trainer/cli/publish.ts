// `edgerec publish`: verifies an artifact directory completely (every file's size and SHA-256, then a full load as
// the edge would do it, index included), uploads it to the target's store, writes user vectors into the cache
// (KV / Redis), and with --activate makes it the tenant's active version. A bad artifact never reaches the store.

import { z } from "zod";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { decodePack } from "../../shared/artifact/pack.ts";
import { decodeUsersJson, readManifest, readVerified } from "../../shared/artifact/reader.ts";
import { EdgerecError } from "../../shared/errors.ts";
import { userVectorKey } from "../../shared/store/keys.ts";
import { TENANT_RE, activateVersion, emptyTenantConfig } from "../../shared/store/tenant-config.ts";
import { type EdgeHost, TARGETS } from "../../shared/store/edge-host.ts";
import { dirSource } from "../artifact-dir.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";

const usage = `edgerec publish --artifact DIR --tenant ID [--target local|node|cloudflare] [--activate]
                [--state DIR] [--redis URL] [--skip-users | --cache-users N] [--ttl-days 30] [--force]

  --artifact DIR   artifact directory written by 'edgerec train'
  --tenant ID      tenant to publish to (must match the manifest's tenant)
  --target         local: wrangler's local state (.wrangler/state; --state DIR for 'wrangler dev --persist-to DIR');
                   node: the Node host's state dir (.edgerec/state, or --state / EDGEREC_STATE), user vectors
                   into Redis when --redis / REDIS_URL is set; cloudflare: a real account via wrangler (default local)
  --activate       make this version active (the one it replaces becomes 'previous', for rollback)
  --skip-users     do not write user vectors into the cache (the edge still finds them in users.bin)
  --cache-users N  write only the first N users of users.json into the cache (the rest stay in users.bin);
                   local KV takes several ms per write, so large user sets are slow to publish locally
  --ttl-days N     lifetime of cached user vectors (default 30)
  --force          publish even an artifact whose recorded metrics lose to its popularity baseline`;

const flagsSchema = z.object({
  artifact: z.string().min(1, "is required"),
  tenant: z.string().regex(TENANT_RE, "must be 1–64 of [A-Za-z0-9_-]"),
  target: z.enum(TARGETS).default("local"),
  activate: z.boolean().default(false),
  state: z.string().optional(),
  redis: z.string().optional(),
  "skip-users": z.boolean().default(false),
  "cache-users": z.string().regex(/^\d+$/, "expected a whole number").transform(Number).optional(),
  "ttl-days": z.string().regex(/^\d+$/, "expected a whole number").transform(Number).default(30),
  force: z.boolean().default(false),
});

export interface PublishSummary {
  tenant: string;
  version: string;
  target: string;
  files: number;
  bytes: number;
  userVectors: number;
  active: string | null;
  previous: string | null;
  seconds: number;
}

export async function runPublish(args: string[], host: EdgeHost): Promise<PublishSummary> {
  if (!args.includes("--artifact")) throw new EdgerecError("bad_flag", "--artifact is required");
  if (!args.includes("--tenant")) throw new EdgerecError("bad_flag", "--tenant is required");
  const f = parseFlags("publish", args, {
    artifact: { type: "string" },
    tenant: { type: "string" },
    target: { type: "string" },
    activate: { type: "boolean" },
    state: { type: "string" },
    redis: { type: "string" },
    "skip-users": { type: "boolean" },
    "cache-users": { type: "string" },
    "ttl-days": { type: "string" },
    force: { type: "boolean" },
  }, flagsSchema);
  const t0 = Date.now();
  const source = dirSource(f.artifact);
  const manifest = await readManifest(source).catch((e: Error) => {
    throw new EdgerecError("bad_artifact", `${f.artifact}: ${e.message}`);
  });
  if (manifest.tenant !== f.tenant) {
    throw new EdgerecError("bad_artifact", `the artifact belongs to tenant '${manifest.tenant}', not '${f.tenant}'; train with --tenant ${f.tenant}`);
  }
  const verdict = baselineVerdict(manifest.metrics, manifest.model.params);
  if (verdict && !f.force) throw new EdgerecError("worse_than_baseline", `${f.artifact}: ${verdict}; pass --force to publish it anyway`);
  // Verify every listed file, then load it exactly as the edge will (index and fold-in included).
  const files = new Map<string, Uint8Array>();
  for (const name of Object.keys(manifest.files)) files.set(name, await readVerified(source, manifest, name));
  files.set(ARTIFACT_FILES.manifest, (await source.get(ARTIFACT_FILES.manifest))!);
  await host.checkServable(files, manifest.tenant, manifest.version);
  process.stderr.write(`publish: ${manifest.tenant}@${manifest.version} verified (${files.size} files)\n`);

  const store = await host.openStore(f.target, { stateDir: f.state, redisUrl: f.redis });
  try {
    // The manifest goes last: a version becomes visible only once all its files are in place.
    let bytes = 0;
    for (const [name, data] of files) {
      if (name === ARTIFACT_FILES.manifest) continue;
      await store.putArtifactFile(manifest.tenant, manifest.version, name, data);
      bytes += data.byteLength;
    }
    await store.putArtifactFile(manifest.tenant, manifest.version, ARTIFACT_FILES.manifest, files.get(ARTIFACT_FILES.manifest)!);

    let userVectors = 0;
    if (!f["skip-users"] && files.has(ARTIFACT_FILES.users) && files.has(ARTIFACT_FILES.usersJson)) {
      const ids = decodeUsersJson(files.get(ARTIFACT_FILES.usersJson)!);
      const users = decodePack(files.get(ARTIFACT_FILES.users)!, ARTIFACT_FILES.users);
      const entries: [string, Float32Array][] = ids.slice(0, f["cache-users"] ?? ids.length).map((id, r) => [
        userVectorKey(manifest.tenant, manifest.version, id),
        users.data.subarray(r * users.dim, (r + 1) * users.dim),
      ]);
      let last = 0;
      await store.putUserVectors(entries, f["ttl-days"] * 86_400, (done) => {
        if (done - last >= 10_000 || done === entries.length) {
          process.stderr.write(`publish: user vectors ${done}/${entries.length}\n`);
          last = done;
        }
      });
      userVectors = entries.length;
    }

    // Compare-and-swap on the freshest config: keys or an activation made meanwhile are kept.
    const config =
      (await store.updateConfig(manifest.tenant, (cur) => {
        if (!cur) return f.activate ? activateVersion(emptyTenantConfig(manifest.tenant), manifest.version) : emptyTenantConfig(manifest.tenant);
        return f.activate ? activateVersion(cur, manifest.version) : null;
      })) ?? emptyTenantConfig(manifest.tenant);
    return {
      tenant: manifest.tenant,
      version: manifest.version,
      target: store.target,
      files: files.size,
      bytes: bytes + files.get(ARTIFACT_FILES.manifest)!.byteLength,
      userVectors,
      active: config.active,
      previous: config.previous,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    };
  } finally {
    await store.close();
  }
}

/**
 * Why an artifact should not go live, or null: its recorded NDCG@10 does not beat the popularity baseline recorded
 * beside it (`baseline.ndcg@10`, written by `train`), or train marked it (`beatsBaseline: false`).
 */
export function baselineVerdict(metrics: Record<string, number>, params: Record<string, unknown>): string | null {
  const m = metrics["ndcg@10"];
  const b = metrics["baseline.ndcg@10"];
  if (m !== undefined && b !== undefined && !(m > b)) return `its recorded ndcg@10 ${m} does not beat popularity's ${b}`;
  if (params.beatsBaseline === false) return "train marked it as not beating popularity";
  return null;
}

export const publishCommand: Command = {
  name: "publish",
  summary: "verify an artifact and publish it to the edge (wrangler local state, Node host, or Cloudflare)",
  usage,
  async run(args, host) {
    const summary = await runPublish(args, host);
    process.stdout.write(JSON.stringify(summary) + "\n");
  },
};
