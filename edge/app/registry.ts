// Per-isolate registry of loaded tenant versions: an LRU bounded by bytes, one load in flight per version, and a
// memory of failures. When the version a tenant should serve cannot be loaded (corrupt, missing), the registry
// keeps serving the last version that loaded for that tenant, so a bad publish never takes a tenant down. With
// `overlays`, a model carries its tenant's live item changes from the moment it loads (overlay-sync.ts).

import { EdgerecError } from "../../shared/errors.ts";
import { ByteLru } from "./lru.ts";
import { type AnnOpener, loadServingModel } from "./model-loader.ts";
import type { Background } from "./guard.ts";
import type { ItemOverlays } from "./overlay-sync.ts";
import type { ArtifactStore } from "./ports.ts";
import type { ServingModel } from "./serving-model.ts";

export interface RegistryOptions {
  /** Bytes of models kept per isolate (a Worker has 128 MB in all). */
  budgetBytes: number;
  openAnn?: AnnOpener;
  /** How long a failed load is remembered before it is tried again. */
  retryFailedMs?: number;
  /** Live item changes: applied to a model when it loads, and re-checked while it serves. */
  overlays?: ItemOverlays;
}

export interface Served {
  model: ServingModel;
  /** Set when `wanted` failed and an older version answered instead. */
  fellBackFrom: string | null;
}

export class ModelRegistry {
  private readonly lru: ByteLru<string, ServingModel>;
  private readonly loading = new Map<string, Promise<ServingModel>>();
  private readonly failed = new Map<string, { error: Error; at: number }>();
  private readonly lastGood = new Map<string, string>();

  constructor(
    private readonly store: Pick<ArtifactStore, "get">,
    private readonly options: RegistryOptions,
  ) {
    this.lru = new ByteLru(options.budgetBytes);
  }

  /** The loaded model of tenant@version, loading and verifying it when needed; throws the load error. */
  async load(tenant: string, version: string, force = false): Promise<ServingModel> {
    const key = `${tenant}@${version}`;
    const hit = this.lru.get(key);
    if (hit) return hit;
    const failure = this.failed.get(key);
    if (failure && !force && Date.now() - failure.at < (this.options.retryFailedMs ?? 30_000)) throw failure.error;
    let pending = this.loading.get(key);
    if (!pending) {
      const overlays = this.options.overlays;
      pending = loadServingModel(this.store, tenant, version, this.options.openAnn, this.options.budgetBytes).then(async (m) => {
        await overlays?.prepare(m);
        return m;
      });
      this.loading.set(key, pending);
    }
    try {
      const model = await pending;
      if (!this.lru.get(key)) this.lru.set(key, model, model.bytes);
      this.failed.delete(key);
      this.lastGood.set(tenant, version);
      return model;
    } catch (e) {
      this.failed.set(key, { error: e as Error, at: Date.now() });
      throw e;
    } finally {
      this.loading.delete(key);
    }
  }

  /**
   * The model to answer with: `wanted`, else the last good version of this isolate, else `fallback`. Given
   * `background`, the item-overlay freshness check (a store read once per TTL) runs after the response instead of
   * before it, so no request waits for it; without, the request awaits it.
   */
  async serve(tenant: string, wanted: string, fallback: string | null, background?: Background): Promise<Served> {
    const overlays = this.options.overlays;
    const fresh = async (model: ServingModel) => {
      // A TTL of 0 means "check before every answer" (tests rely on it): awaited then, like the tenant config.
      if (overlays && background && overlays.ttlMs > 0) background(overlays.refresh(model));
      else await overlays?.refresh(model);
      return model;
    };
    try {
      return { model: await fresh(await this.load(tenant, wanted)), fellBackFrom: null };
    } catch (e) {
      for (const v of [this.lastGood.get(tenant), fallback]) {
        if (!v || v === wanted) continue;
        try {
          return { model: await fresh(await this.load(tenant, v)), fellBackFrom: wanted };
        } catch {
          // try the next candidate
        }
      }
      throw new EdgerecError("model_unavailable", `tenant '${tenant}': version '${wanted}' cannot be served: ${(e as Error).message}`, 503);
    }
  }

  loaded(): { tenant: string; version: string; bytes: number; index: string; loadMs: number }[] {
    return [...this.lru.entries()].map(([, m]) => ({ tenant: m.tenant, version: m.version, bytes: m.bytes, index: m.index.kind, loadMs: m.loadMs }));
  }
}
