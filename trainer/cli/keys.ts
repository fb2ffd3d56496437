// `edgerec keys create|list|revoke`: API keys per tenant. A new key is printed once; only its SHA-256 is stored, with
// its role, in the tenant config of the target (the same config the edge reads). Every change is a compare-and-swap
// on the freshest config, so concurrent `keys create` runs and activations never lose each other's change.

import { z } from "zod";
import { EdgerecError } from "../../shared/errors.ts";
import { generateKey, keyRecord } from "../../shared/store/api-keys.ts";
import { ROLES, TENANT_RE, emptyTenantConfig } from "../../shared/store/tenant-config.ts";
import { type EdgeHost, TARGETS } from "../../shared/store/edge-host.ts";
import { parseFlags } from "./args.ts";
import type { Command } from "./command.ts";

const usage = `edgerec keys create --tenant ID --role read|write|admin [--target local|node|cloudflare] [--state DIR]
edgerec keys list   --tenant ID [--target …] [--state DIR]
edgerec keys revoke --tenant ID --id KEY_ID [--target …] [--state DIR]

  create   prints a new key once (store it: only its SHA-256 is kept) and adds it to the tenant's config
  list     prints the tenant's keys: id (hash prefix), role, creation time
  revoke   removes the key with this id (from list); the edge refuses it within CONFIG_TTL_SECONDS (default 2 s)
  roles    read: recommendations, similar items, artifact files, anonymous visitors' events (publishable, for the widget);
           write: also events of any user; admin: also uploads and version activation`;

const ACTIONS = ["create", "list", "revoke"] as const;

const flagsSchema = z.object({
  tenant: z.string().regex(TENANT_RE, "must be 1–64 of [A-Za-z0-9_-]"),
  role: z.enum(ROLES).optional(),
  id: z.string().regex(/^[0-9a-f]{6,64}$/, "must be a key id as `keys list` prints it").optional(),
  target: z.enum(TARGETS).default("local"),
  state: z.string().optional(),
});

const spec = { tenant: { type: "string" }, role: { type: "string" }, id: { type: "string" }, target: { type: "string" }, state: { type: "string" } } as const;

export async function runKeys(args: string[], host: EdgeHost): Promise<string> {
  const [action, ...rest] = args;
  if (!(ACTIONS as readonly string[]).includes(action ?? "")) {
    throw new EdgerecError("bad_flag", `unknown action '${action ?? ""}'; expected one of: ${ACTIONS.join(", ")}`);
  }
  if (!rest.includes("--tenant")) throw new EdgerecError("bad_flag", "--tenant is required");
  const f = parseFlags("keys", rest, spec, flagsSchema);
  if (action === "create" && !f.role) throw new EdgerecError("bad_flag", `--role is required; expected one of: ${ROLES.join(", ")}`);
  if (action === "revoke" && !f.id) throw new EdgerecError("bad_flag", "--id is required (the key id that `edgerec keys list` prints)");
  const store = await host.openStore(f.target, { stateDir: f.state });
  try {
    if (action === "list") {
      const config = (await store.getConfig(f.tenant)) ?? emptyTenantConfig(f.tenant);
      return config.keys.map((k) => `${k.id}\t${k.role}\t${k.createdAt}`).join("\n");
    }
    if (action === "revoke") {
      let found = 0;
      await store.updateConfig(f.tenant, (cur) => {
        const keys = (cur?.keys ?? []).filter((k) => !k.id.startsWith(f.id!) && !k.hash.startsWith(f.id!));
        found = (cur?.keys.length ?? 0) - keys.length;
        if (found > 1) throw new EdgerecError("bad_flag", `--id ${f.id} matches ${found} keys; give more of the id`);
        return found === 1 ? { ...cur!, keys } : null;
      });
      if (found === 0) throw new EdgerecError("unknown_key", `tenant '${f.tenant}' has no key with id ${f.id}`);
      return `revoked ${f.id}`;
    }
    const key = generateKey();
    const record = await keyRecord(key, f.role!);
    await store.updateConfig(f.tenant, (cur) => {
      const config = cur ?? emptyTenantConfig(f.tenant);
      return { ...config, keys: [...config.keys, record] };
    });
    return key;
  } finally {
    await store.close();
  }
}

export const keysCommand: Command = {
  name: "keys",
  summary: "create, list or revoke a tenant's API keys (stored hashed, with a role)",
  usage,
  async run(args, host) {
    const out = await runKeys(args, host);
    if (out) process.stdout.write(out + "\n");
  },
};
