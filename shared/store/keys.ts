// Where each store keeps a tenant's data: object keys in R2 and keys in KV (the Worker), keys in Redis and paths in
// the state dir (the Node host), and the user-vector cache key under all of them. The edge reads and writes these
// places and the publisher (`edgerec publish` / `keys` / the demo, through edge/node/index.ts) writes the same ones,
// so both take the names from here. Changing a name here moves existing data out of reach: treat it as a format.

/** A user's vector of one model version, as every embedding cache keys it (KV and Redis add their prefix below). */
export const userVectorKey = (tenant: string, version: string, userId: string): string => `${tenant}:${version}:${userId}`;

// R2 bucket ARTIFACTS.
export const r2ArtifactKey = (tenant: string, version: string, file: string): string => `tenants/${tenant}/versions/${version}/${file}`;
/** The tenant's event log: one JSONL object per accepted batch below this prefix, names sorting by time. */
export const r2EventsPrefix = (tenant: string): string => `events/${tenant}/`;
/** Tenant config in R2: updated by compare-and-swap (R2 conditional put). */
export const r2ConfigKey = (tenant: string): string => `config/${tenant}.json`;
/** A tenant's live item changes (edge/app/item-overlay.ts), rewritten by compare-and-swap. */
export const r2ItemOverlayKey = (tenant: string): string => `overlays/${tenant}/items.json`;

// KV namespaces CONFIG and EMBEDDINGS.
/** Legacy place of tenant config (read when R2 has none). */
export const kvConfigKey = (tenant: string): string => `tenant:${tenant}`;
export const kvUserVectorKey = (cacheKey: string): string => `uv:${cacheKey}`;
export const kvRecentKey = (tenant: string, userId: string): string => `recent:${tenant}:${userId}`;

// Redis (the Node host's REDIS_URL).
export const REDIS_USER_VECTOR_PREFIX = "edgerec:uv:";
export const REDIS_RECENT_ITEMS_PREFIX = "edgerec:recent:";

// The Node host's state dir: path segments below it (joined with the platform's separator by edge/node/state-layout.ts).
export const stateArtifactSegments = (tenant: string, version: string, file: string): string[] => ["artifacts", tenant, version, file];
export const stateConfigSegments = (tenant: string): string[] => ["config", `${tenant}.json`];
/** The tenant's event log: one append-only JSONL file. */
export const stateEventLogSegments = (tenant: string): string[] => ["events", `${tenant}.jsonl`];
export const stateItemOverlaySegments = (tenant: string): string[] => ["overlays", tenant, "items.json"];
