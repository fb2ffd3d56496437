// The widget's configuration, read from its attributes with documented defaults:
//   tenant (required), endpoint (default: this page's origin), key (publishable read key, optional),
//   count (1–100, default 8), private (boolean, default off), heading (default "Recommended for you"),
//   currency (ISO 4217 code; prices show only when set), user (a known user id of the tenant: the edge then ranks
//   with that user's trained vector and leaves out their training items, which never reach the browser),
//   ranking (JSON re-ranking options, as the edge's `ranking` field: diversity, maxPerCategory, boost, …).

import { type RankingOptions, rankingOptionsSchema } from "../../shared/ranking/options.ts";

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
  let ranking: RankingOptions = {};
  const rankingAttr = el.getAttribute("ranking");
  if (rankingAttr) {
    let parsed: ReturnType<typeof rankingOptionsSchema.safeParse> | null = null;
    try {
      parsed = rankingOptionsSchema.safeParse(JSON.parse(rankingAttr));
    } catch (e) {
      console.warn(`edgerec-recs: ranking is not JSON (${(e as Error).message}); ranking by score only`);
    }
    if (parsed?.success) ranking = parsed.data;
    else if (parsed) {
      const issue = parsed.error.issues[0]!;
      console.warn(`edgerec-recs: ranking.${issue.path.join(".")}: ${issue.message}; ranking by score only`);
    }
  }
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
  };
}
