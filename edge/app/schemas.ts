// zod schemas of every request body and query of the edge API, and the one place that turns a failed parse
// into a 400 that names the field.

import { z } from "zod";
import { badRequest } from "./errors.ts";
import { rankingOptionsSchema } from "../../shared/ranking/options.ts";
import { userAttributesSchema } from "../../shared/features/user-attributes.ts";

export const MAX_COUNT = 100;
export const MAX_EVENTS = 500;
export const MAX_BODY_BYTES = 256 * 1024;
/** One artifact file uploaded through `PUT …/artifacts/{version}/{file}` (a Worker holds 128 MB in all). */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

const id = z.string().min(1).max(256);

export const filtersSchema = z.strictObject({
  includeCategories: z.array(z.string().min(1).max(128)).max(100).optional(),
  excludeCategories: z.array(z.string().min(1).max(128)).max(100).optional(),
  excludeIds: z.array(id).max(1000).optional(),
});
export type Filters = z.infer<typeof filtersSchema>;

export const countSchema = z.number().int().min(1).max(MAX_COUNT);

export const recommendationRequestSchema = z.strictObject({
  userId: id.optional(),
  recentItems: z.array(id).max(200).optional(),
  attributes: z
    .optional(userAttributesSchema)
    .describe(
      "A new user's attributes (at most 32), one value per column of the user attribute table the model was trained with (MovieLens: age, gender, occupation): " +
        "a number for a column the model reads as a number, else a string (category, as in the table), a boolean or a list of strings. Used when the model does not know `userId` " +
        "(or none is given) and has the cold-user head (two-tower): the list is ranked from these, with any recent items pooled in by the user tower, and `source` is `cold-user`. " +
        "Ignored for known users, for models without the head, and when recent items fold in (models with a fold-in, e.g. two-tower warm-started from ALS).",
    ),
  count: countSchema.default(10),
  filters: filtersSchema.optional(),
  excludeSeen: z.boolean().default(true),
  variant: z.string().min(1).max(32).optional(),
  /** Re-ranking for this request, over the tenant's and the variant's defaults (shared/ranking/options.ts). */
  ranking: z.optional(rankingOptionsSchema),
});
export type RecommendationRequest = z.infer<typeof recommendationRequestSchema>;

export const eventSchema = z.strictObject({
  userId: id,
  itemId: id,
  type: z.string().min(1).max(64),
  /** Epoch milliseconds or an ISO-8601 string; the server's clock when absent (bounds: edge/app/event-rules.ts). */
  ts: z.union([z.number().finite().nonnegative(), z.iso.datetime({ offset: true })]).optional(),
  /** The `recommId` of the list this event is about (impression, click, conversion), for experiment reports. */
  recommId: z.string().regex(/^[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{1,32}\.[0-9a-z]{16}$/, "must be a recommId from a recommendations response").optional(),
  /** Idempotency id: an event whose id the edge has taken recently is acknowledged again, not logged twice. */
  eventId: z.string().regex(/^[\x21-\x7e]{1,128}$/, "must be 1–128 printable ASCII characters").optional(),
});
export const eventsBodySchema = z.array(eventSchema).min(1).max(MAX_EVENTS);
export type EventInput = z.infer<typeof eventSchema>;

/** The seed service's contract, kept as it was (snake_case). */
export const seedRequestSchema = z.object({
  tenant_id: z.string().min(1).max(64),
  user_id: id.optional(),
  count: countSchema.default(10),
  filters: z
    .object({
      include_categories: z.array(z.string().min(1).max(128)).max(100).optional(),
      exclude_categories: z.array(z.string().min(1).max(128)).max(100).optional(),
      exclude_ids: z.array(id).max(1000).optional(),
    })
    .optional(),
});

export const similarQuerySchema = z.object({
  count: z.coerce.number().int().min(1).max(MAX_COUNT).default(10),
});

/** Parses JSON text, then validates it; any failure is a 400 naming the first bad field. */
export function parseBody<T>(text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badRequest("bad_json", `request body is not valid JSON: ${(e as Error).message}`);
  }
  return validate(json, schema);
}

export function validate<T>(value: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest("bad_request", `${issue.path.join(".") || "(body)"}: ${issue.message}`);
  }
  return parsed.data;
}
