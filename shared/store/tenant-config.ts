// Tenant configuration, one JSON document per tenant (where: shared/store/keys.ts): which artifact version serves,
// the previous one (for rollback), A/B variants with traffic weights, and API keys stored as SHA-256 hashes with a
// role. The edge reads it; the edge's admin routes and the CLI (`publish`, `keys`, `experiment`) change it by
// compare-and-swap (config-update.ts), so this shape is shared by both.

import { z } from "zod";
import { rankingOptionsSchema } from "../ranking/options.ts";
import { experimentSchema } from "../experiments/experiment.ts";

export const ROLES = ["read", "write", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const TENANT_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const apiKeySchema = z.object({
  /** First hex digits of the hash: names the key in listings without revealing it. */
  id: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.enum(ROLES),
  createdAt: z.string(),
});
export type ApiKeyRecord = z.infer<typeof apiKeySchema>;

export const variantSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  version: z.string().regex(VERSION_RE),
  weight: z.number().nonnegative(),
});
export type Variant = z.infer<typeof variantSchema>;

export const tenantConfigSchema = z.object({
  format: z.literal("edgerec-tenant/1"),
  tenant: z.string().regex(TENANT_RE),
  active: z.string().regex(VERSION_RE).nullable(),
  previous: z.string().regex(VERSION_RE).nullable(),
  variants: z.array(variantSchema).default([]),
  keys: z.array(apiKeySchema).default([]),
  /** Ranking defaults of every list (a variant's and a request's settings win key by key). */
  ranking: z.optional(rankingOptionsSchema),
  /** A/B tests, the running one (at most one) and stopped ones kept for their reports. */
  experiments: z.array(experimentSchema).default([]),
  /** Whose events a publishable (read) key may post: anonymous visitor ids only (default), or any user id. */
  publishableEvents: z.enum(["visitor", "any-user"]).default("visitor"),
  updatedAt: z.string(),
});
export type TenantConfig = z.infer<typeof tenantConfigSchema>;

export function emptyTenantConfig(tenant: string): TenantConfig {
  return { format: "edgerec-tenant/1", tenant, active: null, previous: null, variants: [], keys: [], experiments: [], publishableEvents: "visitor", updatedAt: new Date().toISOString() };
}

/** Parses stored config; a stored value that fails the schema is a server-side fault, reported with the reason. */
export function parseTenantConfig(json: unknown): TenantConfig {
  const parsed = tenantConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`tenant config: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Makes `version` active and remembers the one it replaces (activating `previous` is the rollback). */
export function activateVersion(config: TenantConfig, version: string): TenantConfig {
  if (config.active === version) return config;
  return { ...config, previous: config.active, active: version, updatedAt: new Date().toISOString() };
}
