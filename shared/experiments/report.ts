// The report of one experiment from the event log. An event counts for the experiment when its `recomm_id` names
// the experiment (`<experiment>.<variant>.<nonce>`); its variant must be the one the user's salted bucket gives
// (a list forced with the request's `variant` field is not randomised traffic, so it is left out and counted in
// `outOfBucket`). Users are the randomisation unit; every metric is computed over users:
//   ctr         Σ clicks / Σ impressions, a ratio metric with its variance by the delta method over users
//   conversion  share of the variant's users with at least one conversion (a proportion over users)
// Each treatment is compared with the first variant (the control) by a fixed-horizon two-sided z-test (no peeking
// correction: decide the sample size up front, read the result once), with the relative lift's confidence interval
// by the delta method. The sample-ratio-mismatch check is Pearson's chi-square of users per variant against the
// configured weights; p < 0.001 flags it (and the comparison should then not be trusted).

import { bucketOf, pickWeighted } from "./bucket.ts";
import { type Comparison, chiSquareGoodness, compare, ratioMetric, zFor } from "./stats.ts";

export interface ReportEvent {
  user_id: string;
  type: string;
  recomm_id?: string;
}

export interface ReportExperiment {
  id: string;
  salt: string;
  variants: { name: string; weight: number }[];
}

export interface VariantReport {
  name: string;
  users: number;
  impressions: number;
  clicks: number;
  ctr: number;
  ci: [number, number];
  conversions: number;
  convertedUsers: number;
  conversionRate: number;
  conversionCi: [number, number];
}

export interface ExperimentReport {
  experiment: string;
  test: string;
  alpha: number;
  variants: VariantReport[];
  /** The first treatment against the control on CTR (with several treatments, `comparisons` has each). */
  lift: number;
  liftCi: [number, number];
  pValue: number;
  detected: boolean;
  srm: boolean;
  srmPValue: number;
  comparisons: ({ variant: string; metric: "ctr" | "conversion" } & Comparison)[];
  outOfBucket: number;
}

const SRM_ALPHA = 0.001;
const r6 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
const ci = (v: number, variance: number, z: number): [number, number] => [r6(v - z * Math.sqrt(variance)), r6(v + z * Math.sqrt(variance))];

export function experimentReport(exp: ReportExperiment, events: Iterable<ReportEvent>, alpha = 0.05): ExperimentReport {
  const names = exp.variants.map((v) => v.name);
  const weights = exp.variants.map((v) => v.weight);
  const prefix = `${exp.id}.`;
  // Per variant: user → [impressions, clicks, conversions].
  const perVariant = names.map(() => new Map<string, [number, number, number]>());
  let outOfBucket = 0;
  for (const e of events) {
    if (!e.recomm_id?.startsWith(prefix)) continue;
    const variant = e.recomm_id.slice(prefix.length, e.recomm_id.indexOf(".", prefix.length));
    const v = names.indexOf(variant);
    if (v < 0 || pickWeighted(bucketOf(exp.salt, e.user_id), weights) !== v) {
      outOfBucket++;
      continue;
    }
    const users = perVariant[v]!;
    let u = users.get(e.user_id);
    if (!u) users.set(e.user_id, (u = [0, 0, 0]));
    if (e.type === "impression") u[0]++;
    else if (e.type === "click") u[1]++;
    else if (e.type === "conversion") u[2]++;
  }
  const z = zFor(alpha);
  const metrics = perVariant.map((users) => {
    const rows = [...users.values()];
    const ctr = ratioMetric(rows.map((r) => r[1]), rows.map((r) => r[0]));
    const converted = rows.map((r) => (r[2] > 0 ? 1 : 0));
    const conv = ratioMetric(converted, converted.map(() => 1));
    return { rows, ctr, conv };
  });
  const variants: VariantReport[] = metrics.map((m, i) => ({
    name: names[i]!,
    users: m.rows.length,
    impressions: m.rows.reduce((s, r) => s + r[0], 0),
    clicks: m.rows.reduce((s, r) => s + r[1], 0),
    ctr: r6(m.ctr.value),
    ci: ci(m.ctr.value, m.ctr.variance, z),
    conversions: m.rows.reduce((s, r) => s + r[2], 0),
    convertedUsers: m.rows.reduce((s, r) => s + (r[2] > 0 ? 1 : 0), 0),
    conversionRate: r6(m.conv.value),
    conversionCi: ci(m.conv.value, m.conv.variance, z),
  }));
  const comparisons: ExperimentReport["comparisons"] = [];
  for (let i = 1; i < metrics.length; i++) {
    comparisons.push({ variant: names[i]!, metric: "ctr", ...rounded(compare(metrics[0]!.ctr, metrics[i]!.ctr, alpha)) });
    comparisons.push({ variant: names[i]!, metric: "conversion", ...rounded(compare(metrics[0]!.conv, metrics[i]!.conv, alpha)) });
  }
  const srm = chiSquareGoodness(variants.map((v) => v.users), weights);
  const first = comparisons[0];
  return {
    experiment: exp.id,
    test: "fixed-horizon two-sided z-test; users are the unit (CTR by the delta method over users); lift CI by the delta method",
    alpha,
    variants,
    lift: first?.lift ?? NaN,
    liftCi: first?.liftCi ?? [NaN, NaN],
    pValue: first?.pValue ?? NaN,
    detected: first?.detected ?? false,
    srm: srm.pValue < SRM_ALPHA,
    srmPValue: r6(srm.pValue),
    comparisons,
    outOfBucket,
  };
}

function rounded(c: Comparison): Comparison {
  return { ...c, lift: r6(c.lift), liftCi: [r6(c.liftCi[0]), r6(c.liftCi[1])], difference: r6(c.difference), pValue: r6(c.pValue) };
}
