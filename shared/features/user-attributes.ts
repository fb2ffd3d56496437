// A new user's attributes as a client sends them — one value per column of the tenant's user attribute table
// (`{"age": 24, "gender": "M", "occupation": "technician"}`) — turned into the UserMeta the towers encode, the way
// training read that table (catalogue.ts userCatalogue, MovieLens u.user): a column the model standardises as a
// number (the feature spec's userNumbers) goes to `numbers`; every other value becomes the category
// `column:value` (an array gives one per element, as a `multi` column does). So a zip sent as a number is still
// the category `zip:85711`, as the catalogue's schema inference would have read it. Runtime-agnostic.

import type { UserMeta } from "../data/interactions.ts";
import type { FeatureSpec } from "./encode.ts";

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
