// A new user's attributes as a client sends them — one value per column of the tenant's user attribute table
// (`{"age": 24, "gender": "M", "occupation": "technician"}`) — turned into the UserMeta the towers encode, the way
// training read that table (catalogue.ts userCatalogue, MovieLens u.user): a column the model standardises as a
// number (the feature spec's userNumbers) goes to `numbers`; every other value becomes the category
// `column:value` (an array gives one per element, as a `multi` column does). So a zip sent as a number is still
// the category `zip:85711`, as the catalogue's schema inference would have read it. The zod schema bounds what a
// client may send (the edge's request body, the widget's `visitor-attributes`). Runtime-agnostic.

import * as z from "zod/mini";
import type { UserMeta } from "../data/interactions.ts";
import type { FeatureSpec } from "./encode.ts";

/** At most this many columns, each value a short string, a number, a flag or a short list. zod/mini: the widget ships it. */
export const MAX_USER_ATTRIBUTES = 32;
const attributeText = z.string().check(z.minLength(1), z.maxLength(128));
const finite = z.number().check(z.refine(Number.isFinite, "must be a finite number"));
export const userAttributesSchema = z
  .record(
    z.string().check(z.regex(/^[^\u0000-\u001f\u007f]{1,64}$/), z.refine((k) => k !== "__proto__")),
    z.union([attributeText, finite, z.boolean(), z.array(attributeText).check(z.minLength(1), z.maxLength(16))], {
      error: "expected a string (1–128 characters), a finite number, a boolean or a list of 1–16 such strings",
    }),
    { error: (issue) => (issue.code === "invalid_key" ? "attribute names are 1–64 characters without control characters (and not __proto__)" : undefined) },
  )
  .check(z.refine((o) => Object.keys(o).length <= MAX_USER_ATTRIBUTES, `at most ${MAX_USER_ATTRIBUTES} attributes`));

export type UserAttributeValue = string | number | boolean | string[];
export type UserAttributes = Record<string, UserAttributeValue>;

export function userMetaFromAttributes(attributes: UserAttributes, spec: Pick<FeatureSpec, "userNumbers">): UserMeta {
  const numeric = new Set(spec.userNumbers.map((s) => s.name));
  const categories: string[] = [];
  const numbers: Record<string, number> = {};
  for (const [column, value] of Object.entries(attributes)) {
    if (numeric.has(column)) {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value.trim()) : Number.NaN;
      if (Number.isFinite(n)) {
        numbers[column] = n;
        continue;
      }
    }
    for (const v of Array.isArray(value) ? value : [String(value)]) {
      const s = v.trim();
      if (s !== "") categories.push(`${column}:${s}`);
    }
  }
  const meta: UserMeta = {};
  if (categories.length > 0) meta.categories = [...new Set(categories)];
  if (Object.keys(numbers).length > 0) meta.numbers = numbers;
  return meta;
}

/** Whether `meta` says anything a model can read: a category or a finite number. */
export const hasUserFeatures = (meta: UserMeta): boolean =>
  (meta.categories?.length ?? 0) > 0 || Object.values(meta.numbers ?? {}).some((v) => Number.isFinite(v));
