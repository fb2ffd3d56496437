// The edge app's dependencies as small interfaces on Web-standard types. The Worker adapter implements them with
// R2 / KV, the Node host with the file system / Redis, and tests use the same implementations they ship with.

import type { CasConfigStore } from "./config-update.ts";
import type { EventLine } from "../../shared/store/event-line.ts";
import type { TenantConfig } from "./tenant-config.ts";

export type { EventLine };

/** Artifact files of a tenant's versions. `get` resolves null when the file does not exist. */
export interface ArtifactStore {
  get(tenant: string, version: string, file: string): Promise<Uint8Array | null>;
  /** Stores one file of a version (the upload route; `edgerec publish` writes the stores directly). */
  put(tenant: string, version: string, file: string, bytes: Uint8Array): Promise<void>;
  /**
   * Streams one uploaded file into the store; nothing is kept when `body` errors (the route's byte limit) or ends
   * short of `length`. `length` is the declared size (null: unknown; a store that needs it answers 411).
   * Throws 409 `version_sealed` when the version's manifest is stored by the time the file would be committed.
   */
  putStream(tenant: string, version: string, file: string, body: ReadableStream<Uint8Array>, length: number | null): Promise<void>;
  /** A stored file as a stream with its size (artifact GETs never hold whole files); null when missing. */
  getStream(tenant: string, version: string, file: string): Promise<{ body: ReadableStream<Uint8Array>; size: number } | null>;
}

/** Tenant configuration: active/previous version, A/B variants, hashed API keys; updated by compare-and-swap. */
export interface ConfigStore extends CasConfigStore {
  get(tenant: string): Promise<TenantConfig | null>;
  put(config: TenantConfig): Promise<void>;
}

/**
 * User vectors keyed by an opaque string (`tenant:version:user`). `getMany` is one batch read: the result has one
 * entry per key, null for a miss. `ttlSeconds` bounds how long an entry lives.
 */
export interface EmbeddingCache {
  readonly name: string;
  getMany(keys: string[]): Promise<(Float32Array | null)[]>;
  setMany(entries: [string, Float32Array][], ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The last items a user touched, newest first, capped per user. */
export interface RecentItemsStore {
  get(tenant: string, userId: string): Promise<string[]>;
  /** Adds items (oldest first, as they happened) to the front of the user's list. */
  push(tenant: string, userId: string, itemIds: string[]): Promise<void>;
}

/** A durable, append-only log of events per tenant. `append` resolves only once the batch is durably written. */
export interface EventLog {
  append(tenant: string, events: EventLine[]): Promise<void>;
  /** Event ids already in the durable log (its recent part), so a retry after a restart is still a duplicate. */
  recentEventIds?(tenant: string): Promise<string[]>;
}

export const RECENT_ITEMS_CAP = 50;

/** Stored bytes of a tenant's item overlay with the tag a compare-and-swap write names. */
export interface StoredOverlay {
  bytes: Uint8Array;
  etag: string;
}

/**
 * The live catalogue changes of each tenant (item PUT / DELETE, edge/app/item-overlay.ts): one small object per
 * tenant, rewritten by compare-and-swap so writers on several isolates or processes never lose each other's records.
 */
export interface ItemOverlayStore {
  get(tenant: string): Promise<StoredOverlay | null>;
  /** The stored tag only (a cheap freshness check); null when the tenant has no overlay. */
  etag(tenant: string): Promise<string | null>;
  /** Writes only if the stored tag is still `etag` (null: only if nothing is stored); the new tag, or null when it was not. */
  putIfMatch(tenant: string, bytes: Uint8Array, etag: string | null): Promise<string | null>;
}
