// `edgerec keys create|list`: API keys per tenant. A new key is printed once; only its SHA-256 is stored, with its
// role, in the tenant config of the target (the same config the edge reads).

import { z } from "zod";
import { EdgerecError } from "../../shared/errors.ts";
import { generateKey, keyRecord } from "../../edge/app/auth.ts";
import { ROLES, TENANT_RE, emptyTenantConfig } from "../../edge/app/tenant-config.ts";
import { TARGETS, type EdgeStore, openEdgeStore } from "../io/edge-store.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";

const usage = `edgerec keys create --tenant ID --role read|write|admin [--target local|node|cloudflare] [--state DIR]
edgerec keys list   --tenant ID [--target …] [--state DIR]

  create   prints a new key once (store it: only its SHA-256 is kept) and adds it to the tenant's config
  list     prints the tenant's keys: id (hash prefix), role, creation time
  roles    read: recommendations, similar items, artifact files (publishable, for the widget);
           write: also events; admin: also version activation`;

const flagsSchema = z.object({
  tenant: z.string().regex(TENANT_RE, "must be 1–64 of [A-Za-z0-9_-]"),
  role: z.enum(ROLES).optional(),
  target: z.enum(TARGETS).default("local"),
  state: z.string().optional(),
});

const spec = { tenant: { type: "string" }, role: { type: "string" }, target: { type: "string" }, state: { type: "string" } } as const;

export async function runKeys(args: string[], storeOverride?: EdgeStore): Promise<string> {
  const [action, ...rest] = args;
  if (action !== "create" && action !== "list") {
    throw new EdgerecError("bad_flag", `unknown action '${action ?? ""}'; expected one of: create, list`);
  }
  if (!rest.includes("--tenant")) throw new EdgerecError("bad_flag", "--tenant is required");
  const f = parseFlags("keys", rest, spec, flagsSchema);
  const store = storeOverride ?? (await openEdgeStore(f.target, { stateDir: f.state }));
  try {
    const config = (await store.getConfig(f.tenant)) ?? emptyTenantConfig(f.tenant);
    if (action === "list") return config.keys.map((k) => `${k.id}\t${k.role}\t${k.createdAt}`).join("\n");
    if (!f.role) throw new EdgerecError("bad_flag", `--role is required; expected one of: ${ROLES.join(", ")}`);
    const key = generateKey();
    await store.putConfig({ ...config, keys: [...config.keys, await keyRecord(key, f.role)], updatedAt: new Date().toISOString() });
    return key;
  } finally {
    if (!storeOverride) await store.close();
  }
}

export const keysCommand: Command = {
  name: "keys",
  summary: "create or list a tenant's API keys (stored hashed, with a role)",
  usage,
  async run(args) {
    const out = await runKeys(args);
    if (out) process.stdout.write(out + "\n");
  },
};
