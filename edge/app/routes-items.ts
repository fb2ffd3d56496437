// Live catalogue routes: `PUT /v1/tenants/{tenant}/items/{itemId}` adds or replaces an item in the active model
// version (its vector given, or computed by the item tower / content fallback), `DELETE` hides it from every list.
// Write key, checked before the body is read; the change is stored (item overlay, compare-and-swap) before it is
// applied, so a 2xx means it survives a restart; the next request on this isolate sees it, other isolates within
// the overlay's check interval (overlay-sync.ts).

import type { Hono } from "hono";
import { z } from "zod";
import { AnnError } from "../../shared/ann/errors.ts";
import { readLimitedText } from "./body.ts";
import type { EdgeDeps } from "./app.ts";
import { HttpError, badRequest, notFound } from "./errors.ts";
import { embedItem } from "./item-embedding.ts";
import { redundantFor } from "./overlay-sync.ts";
import { type ItemMeta, MAX_VECTOR_DIM, type VectorMethod, itemMetaSchema, recordOf, vectorToBase64 } from "./item-overlay.ts";
import type { ServingModel } from "./serving-model.ts";
import { parseBody } from "./schemas.ts";
import type { TenantConfig } from "./tenant-config.ts";

/** One item's metadata and vector: a few KB; anything larger is refused before it is read whole. */
export const ITEM_BODY_BYTES = 64 * 1024;
const ITEM_ID_RE = /^[^\u0000-\u001f\u007f]{1,256}$/;

export const itemPutSchema = itemMetaSchema.extend({
  /** Shorthand for `numbers.price`. */
  price: z.number().optional(),
  /** The item's embedding; its length must be the model's dimension. Absent: computed by the model. */
  vector: z.array(z.number()).min(1).max(MAX_VECTOR_DIM).optional(),
});
export type ItemPut = z.infer<typeof itemPutSchema>;

function itemId(raw: string): string {
  if (!ITEM_ID_RE.test(raw)) throw badRequest("bad_item_id", `item id must be 1–256 characters without control characters (got ${raw.length})`);
  return raw;
}

async function activeModel(deps: EdgeDeps, config: TenantConfig): Promise<ServingModel> {
  if (!config.active) throw notFound("no_active_version", `tenant '${config.tenant}' has no active model version`);
  return (await deps.registry.serve(config.tenant, config.active, config.previous)).model;
}

function overlaysOf(deps: EdgeDeps) {
  if (!deps.overlays) throw new HttpError(503, "items_unavailable", "this host has no item overlay store configured");
  return deps.overlays;
}

/** The request's metadata as items.json holds it (`price` folded into `numbers`). */
function metaOf(body: ItemPut): ItemMeta {
  const { vector: _v, price, ...meta } = body;
  if (price !== undefined) meta.numbers = { ...meta.numbers, price };
  return meta;
}

export function itemRoutes(app: Hono, deps: EdgeDeps): void {
  app.put("/v1/tenants/:tenant/items/:id", async (c) => {
    const t0 = performance.now();
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "write");
    const id = itemId(c.req.param("id"));
    const overlays = overlaysOf(deps);
    const body = parseBody(await readLimitedText(c.req.raw, ITEM_BODY_BYTES), itemPutSchema);
    const model = await activeModel(deps, config);
    const meta = metaOf(body);

    let vector: Float32Array | null;
    let method: VectorMethod;
    if (body.vector) {
      if (body.vector.length !== model.dim) throw badRequest("bad_vector", `vector has ${body.vector.length} values; model version '${model.version}' has dimension ${model.dim}`);
      vector = Float32Array.from(body.vector);
      if (vector.some((x) => !Number.isFinite(x))) throw badRequest("bad_vector", "vector values must be finite float32 numbers");
      method = "explicit";
    } else {
      ({ vector, method } = await embedItem(model, id, meta, deps.artifacts));
      if (!vector && method !== "kept") {
        throw new HttpError(422, "cannot_embed", `model version '${model.version}' has no item tower and none of the item's categories has items to take a content vector from; send 'vector' (dimension ${model.dim})`);
      }
    }
    const row = model.itemRow.get(id);
    // A new point must fit in the index before the change is stored (the store never holds what cannot be served).
    if ((row === undefined || model.live.deleted.has(row)) && model.index.room() < 1) {
      throw new HttpError(507, "index_full", `the index of model version '${model.version}' has no room for more items; publish a new version with them`);
    }
    const stored = await overlays.commit(config.tenant, () => ({
      id,
      op: "put",
      at: new Date().toISOString(),
      version: model.version,
      method,
      item: meta,
      ...(vector ? { vector: vectorToBase64(vector) } : {}),
    }), redundantFor(model));
    const failure = (await overlays.apply(model, stored.file, stored.etag)).find((f) => f.seq === stored.record!.seq)?.error;
    if (failure) {
      // Another writer took the last slot in between: stored (a version with room will serve it), not served here.
      if (failure instanceof AnnError && failure.code === "ann_capacity") throw new HttpError(507, "index_full", `stored, but the index of model version '${model.version}' is full: ${failure.message}`);
      throw failure;
    }
    const created = row === undefined;
    // Numeric features the item tower does not know (its feature spec) are kept as metadata but do not shape the vector.
    const known = method === "tower" ? new Set(model.live.towers?.spec.itemNumbers.map((n) => n.name)) : null;
    const ignored = known ? Object.keys(meta.numbers ?? {}).filter((n) => !known.has(n)) : [];
    return c.json(
      {
        id,
        created,
        method,
        modelVersion: model.version,
        dim: model.dim,
        seq: stored.record!.seq,
        ...(ignored.length > 0 ? { ignoredNumbers: ignored } : {}),
        latencyMs: Math.round((performance.now() - t0) * 1000) / 1000,
      },
      created ? 201 : 200,
    );
  });

  app.delete("/v1/tenants/:tenant/items/:id", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "write");
    const id = itemId(c.req.param("id"));
    const overlays = overlaysOf(deps);
    const model = await activeModel(deps, config);
    const stored = await overlays.commit(config.tenant, (file) => {
      const last = recordOf(file, id);
      if (last?.op === "delete") return null; // already deleted: nothing new to store
      if (!last && !model.itemRow.has(id)) throw notFound("unknown_item", `item '${id.slice(0, 80)}' is not in model version '${model.version}'`);
      return { id, op: "delete", at: new Date().toISOString(), version: model.version };
    }, redundantFor(model));
    await overlays.apply(model, stored.file, stored.etag);
    return c.json({ id, deleted: true, modelVersion: model.version, seq: stored.record?.seq ?? recordOf(stored.file, id)?.seq ?? null });
  });
}
