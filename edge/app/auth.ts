// API keys: random bearer tokens shown once, stored only as SHA-256 hashes in the tenant config, each with a role.
// Roles nest: admin ⊇ write ⊇ read. A key that is not one of this tenant's keys gets 403 (cross-tenant included).

import { hashKey } from "../../shared/store/api-keys.ts";
import { forbidden, unauthorized } from "./errors.ts";
import type { Role, TenantConfig } from "./tenant-config.ts";

export { generateKey, hashKey, keyRecord } from "../../shared/store/api-keys.ts";

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

/**
 * Hashes of the bearer tokens seen lately, per isolate: a request's key is hashed once, not on every request
 * (Web Crypto's digest is an async native call; it was a visible share of a recommendation's CPU). Bounded so
 * random tokens cannot grow it; a token is dropped with its entry, and the stored configs never hold tokens.
 */
const HASH_CACHE_ENTRIES = 1024;
const hashCache = new Map<string, string>();

async function cachedHash(key: string): Promise<string> {
  const hit = hashCache.get(key);
  if (hit !== undefined) return hit;
  const hash = await hashKey(key);
  if (hashCache.size >= HASH_CACHE_ENTRIES) hashCache.delete(hashCache.keys().next().value!);
  hashCache.set(key, hash);
  return hash;
}

export function bearerToken(header: string | undefined | null): string {
  if (!header) throw unauthorized("missing Authorization header; expected 'Bearer <key>'");
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized("Authorization header must be 'Bearer <key>'");
  return m[1]!;
}

/** Checks that `header` carries a key of this tenant with at least `role`; returns the key's role. */
export async function authorize(config: TenantConfig, header: string | undefined | null, role: Role): Promise<Role> {
  const hash = await cachedHash(bearerToken(header));
  const rec = config.keys.find((k) => k.hash === hash);
  if (!rec) throw forbidden(`this key is not valid for tenant '${config.tenant}'`);
  if (RANK[rec.role] < RANK[role]) throw forbidden(`this route needs a '${role}' key; the key has role '${rec.role}'`);
  return rec.role;
}
