// The widget's configuration, read from its attributes with documented defaults:
//   tenant (required), endpoint (default: this page's origin), key (publishable read key, optional),
//   count (1–100, default 8), private (boolean, default off), heading (default "Recommended for you"),
//   currency (ISO 4217 code; prices show only when set), user (a known user id of the tenant: the edge then ranks
//   with that user's trained vector and leaves out their training items, which never reach the browser),
//   ranking (JSON re-ranking options, as the edge's `ranking` field: diversity, maxPerCategory, boost, …),
//   visitor-attributes (JSON object of the visitor's attributes, as the edge's `attributes` field: a new visitor
//   with no history here is ranked by the edge from them when the model has a cold-user head).

import { type RankingOptions, rankingOptionsSchema } from "../../shared/ranking/options.ts";
import { type UserAttributes, userAttributesSchema } from "../../shared/features/user-attributes.ts";
import type * as z from "zod/mini";

export interface WidgetConfig {
  tenant: string;
  endpoint: string;
  key: string | null;
  count: number;
  private: boolean;
  heading: string;
  currency: string | null;
  /** A user id the tenant knows (signed-in shopper); null for an anonymous visitor. */
  user: string | null;
  ranking: RankingOptions;
  /** What the page knows of the visitor (`visitor-attributes`); null when unset or invalid. */
  visitorAttributes: UserAttributes | null;
}

export const DEFAULT_COUNT = 8;
export const MAX_COUNT = 100;
export const DEFAULT_HEADING = "Recommended for you";

export function readConfig(el: Element): WidgetConfig {
  const countAttr = el.getAttribute("count");
  let count = DEFAULT_COUNT;
  if (countAttr !== null) {
    const n = Number(countAttr);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_COUNT) count = n;
    else console.warn(`edgerec-recs: count="${countAttr}" is not an integer in 1..${MAX_COUNT}; using ${DEFAULT_COUNT}`);
  }
  const currency = el.getAttribute("currency")?.trim().toUpperCase() || null;
  const ranking = jsonAttribute(el, "ranking", rankingOptionsSchema, "ranking by score only") ?? {};
  const visitorAttributes = jsonAttribute(el, "visitor-attributes", userAttributesSchema, "not sending them");
  return {
    tenant: el.getAttribute("tenant")?.trim() ?? "",
    endpoint: el.getAttribute("endpoint")?.trim() || (typeof location === "undefined" ? "" : location.origin),
    key: el.getAttribute("key")?.trim() || null,
    count,
    private: el.hasAttribute("private"),
    heading: el.getAttribute("heading")?.trim() || DEFAULT_HEADING,
    currency: currency && /^[A-Z]{3}$/.test(currency) ? currency : null,
    user: el.getAttribute("user")?.trim().slice(0, 256) || null,
    ranking,
    visitorAttributes: visitorAttributes && Object.keys(visitorAttributes).length > 0 ? visitorAttributes : null,
  };
}

/** A JSON attribute validated by `schema`; null (with a console warning naming the field) when absent or invalid. */
function jsonAttribute<T>(el: Element, name: string, schema: z.ZodMiniType<T>, otherwise: string): T | null {
  const text = el.getAttribute(name);
  if (!text) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    console.warn(`edgerec-recs: ${name} is not JSON (${(e as Error).message}); ${otherwise}`);
    return null;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  console.warn(`edgerec-recs: ${[name, ...issue.path].join(".")}: ${issue.message}; ${otherwise}`);
  return null;
}
