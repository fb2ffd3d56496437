// The artifact manifest (`manifest.json`, format `edgerec-artifact/1`): what a version holds and how to verify it.

// zod/mini: the same validation as classic zod at a fraction of the bundle, since the widget ships this file.
import * as z from "zod/mini";

export const ARTIFACT_FORMAT = "edgerec-artifact/1";
export const MODEL_KINDS = ["popularity", "als", "bpr", "graph", "two-tower", "graphsage"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const fileEntrySchema = z.object({
  bytes: z.int().check(z.nonnegative()),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex digits")),
});

/** How a client computes a user vector on its own: the ALS closed form over the item rows it has seen. */
export const alsFoldInSchema = z.object({
  method: z.literal("als"),
  /** Confidence of an interaction of weight r is 1 + alpha·r. */
  alpha: z.number().check(z.nonnegative()),
  /** L2 regularisation λ of the least-squares solve. */
  regularization: z.number().check(z.positive()),
  /**
   * Frequency-scaled λ (optional; absent = 0): a user whose weights sum to W solves with
   * λ·(max(W, 1) / regMean)^regExponent, as the trainer's user step did.
   */
  regExponent: z.optional(z.number().check(z.gte(0), z.lte(2))),
  regMean: z.optional(z.number().check(z.positive())),
});
export type AlsFoldInParams = z.infer<typeof alsFoldInSchema>;

/**
 * For models without a closed form (BPR): the weighted mean of the seen items' vectors. With `biasLast`, the last
 * coordinate carries item biases and the user's is fixed at 1.
 */
export const meanFoldInSchema = z.object({ method: z.literal("mean"), biasLast: z.boolean() });

/**
 * Older graph-filter versions (still read, no longer written; see filterFoldInSchema):
 * x_u = (Σ_i w_i + offset)^-exponent · Σ_i w_i P_i, with P the item × dim projection matrix stored in
 * `projection.bin` (an embedding pack listed in `files`).
 */
export const projectionFoldInSchema = z.object({
  method: z.literal("projection"),
  offset: z.number().check(z.nonnegative()),
  exponent: z.number().check(z.gte(0), z.lte(2)),
});
export type ProjectionFoldInParams = z.infer<typeof projectionFoldInSchema>;

/**
 * Graph-filter models, without a projection matrix: P_i = s_i · (y_i ⊙ h) is derived from the served item vector y_i,
 * the item's scale s_i (`item-scales.bin`, an items × 1 embedding pack listed in `files`) and the filter weights h
 * (`filter`, one per dimension), so x_u = (Σ_i w_i + offset)^-exponent · h ⊙ Σ_i w_i s_i y_i.
 */
export const filterFoldInSchema = z.object({
  method: z.literal("filter"),
  offset: z.number().check(z.nonnegative()),
  exponent: z.number().check(z.gte(0), z.lte(2)),
  /** h, one weight per dimension of the model (the manifest check holds its length to `model.dim`). */
  filter: z.array(z.number()),
});
export type FilterFoldInParams = z.infer<typeof filterFoldInSchema>;

export const foldInSchema = z.discriminatedUnion("method", [alsFoldInSchema, meanFoldInSchema, projectionFoldInSchema, filterFoldInSchema]);
export type FoldInParams = z.infer<typeof foldInSchema>;

export const indexParamsSchema = z.object({
  kind: z.literal("hnsw"),
  space: z.enum(["ip", "l2", "cosine"]),
  M: z.int().check(z.positive()),
  efConstruction: z.int().check(z.positive()),
  ef: z.int().check(z.positive()),
});
export type IndexParams = z.infer<typeof indexParamsSchema>;

export const manifestSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  tenant: z.string().check(z.minLength(1)),
  version: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "version must be 1–64 of [A-Za-z0-9._-]")),
  createdAt: z.string(),
  model: z
    .object({
      kind: z.enum(MODEL_KINDS),
      dim: z.int().check(z.nonnegative()),
      similarity: z.enum(["dot", "cosine"]),
      params: z.record(z.string(), z.unknown()),
      foldIn: z.nullable(foldInSchema),
    })
    .check(
      // The one fold-in parameter whose shape depends on another field: checked here, where dim is known.
      z.superRefine((model, ctx) => {
        const f = model.foldIn;
        if (f?.method === "filter" && f.filter.length !== model.dim) {
          ctx.addIssue({ code: "custom", path: ["foldIn", "filter"], input: f.filter, message: `has ${f.filter.length} weights, model.dim is ${model.dim}` });
        }
      }),
    ),
  counts: z.object({
    users: z.int().check(z.nonnegative()),
    items: z.int().check(z.nonnegative()),
    interactions: z.int().check(z.nonnegative()),
  }),
  metrics: z.record(z.string(), z.number()),
  trainer: z.object({ backend: z.string(), seconds: z.number().check(z.nonnegative()) }),
  index: z.optional(indexParamsSchema),
  files: z.record(z.string(), fileEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** Item rows of `items.json`: the id and what filters, cold start and cards use. */
export const itemRecordSchema = z.object({
  id: z.string(),
  title: z.optional(z.string()),
  description: z.optional(z.string()),
  categories: z.optional(z.array(z.string())),
  image: z.optional(z.string()),
  url: z.optional(z.string()),
  numbers: z.optional(z.record(z.string(), z.number())),
});
export type ItemRecord = z.infer<typeof itemRecordSchema>;
export const itemsFileSchema = z.object({ format: z.literal("edgerec-items/1"), items: z.array(itemRecordSchema) });
export const usersFileSchema = z.object({ format: z.literal("edgerec-users/1"), ids: z.array(z.string()) });

/** `popular.json`: item ids by interaction count, globally and per category, best first. */
export const popularFileSchema = z.object({
  format: z.literal("edgerec-popular/1"),
  global: z.array(z.object({ id: z.string(), count: z.number() })),
  byCategory: z.record(z.string(), z.array(z.string())),
});
export type PopularFile = z.infer<typeof popularFileSchema>;
