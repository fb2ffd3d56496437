// The statistics of an A/B report, in plain numbers: the normal CDF (for z-tests), the chi-square survival function
// (for the sample-ratio-mismatch check) and the delta method for ratio metrics (clicks / impressions summed over
// users, when users — not impressions — were randomised).

/** Φ(x), |error| < 1.5e-7 (Abramowitz & Stegun 7.1.26 on erf). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Two-sided p-value of a z statistic. */
export const twoSidedP = (z: number): number => (Number.isFinite(z) ? 2 * (1 - normalCdf(Math.abs(z))) : z !== z ? 1 : 0);

/** z for a two-sided (1 − alpha) interval, by bisection on Φ (alpha in (0, 1)). */
export function zFor(alpha: number): number {
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (1 - normalCdf(mid) > alpha / 2) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** ln Γ(x) (Lanczos, g = 7). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lg = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lg);
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lg) * h;
}

/** P(χ²_df ≥ x). */
export const chiSquareSf = (x: number, df: number): number => gammaQ(df / 2, x / 2);

/** Pearson's chi-square of observed counts against expected shares (weights); returns the statistic and p. */
export function chiSquareGoodness(observed: readonly number[], weights: readonly number[]): { chi2: number; pValue: number } {
  const n = observed.reduce((s, x) => s + x, 0);
  const w = weights.reduce((s, x) => s + x, 0);
  if (n === 0 || observed.length < 2) return { chi2: 0, pValue: 1 };
  let chi2 = 0;
  observed.forEach((o, i) => {
    const e = (n * weights[i]!) / w;
    chi2 += e > 0 ? (o - e) ** 2 / e : 0;
  });
  return { chi2, pValue: chiSquareSf(chi2, observed.length - 1) };
}

/**
 * Σy / Σx over n units and the variance of that ratio by the delta method (Deng, Knoblich & Lu 2018):
 * Var(ȳ/x̄) ≈ (s_y² − 2R·s_xy + R²·s_x²) / (n · x̄²), R = ȳ/x̄. Units are users; y, x their clicks and impressions.
 */
export function ratioMetric(y: readonly number[], x: readonly number[]): { value: number; variance: number; n: number } {
  const n = y.length;
  if (n === 0) return { value: NaN, variance: NaN, n };
  let sy = 0, sx = 0;
  for (let i = 0; i < n; i++) (sy += y[i]!), (sx += x[i]!);
  const my = sy / n, mx = sx / n;
  if (mx === 0) return { value: NaN, variance: NaN, n };
  const r = my / mx;
  let vy = 0, vx = 0, cxy = 0;
  for (let i = 0; i < n; i++) {
    const dy = y[i]! - my, dx = x[i]! - mx;
    vy += dy * dy;
    vx += dx * dx;
    cxy += dy * dx;
  }
  const d = Math.max(1, n - 1);
  return { value: r, variance: (vy / d - 2 * r * (cxy / d) + r * r * (vx / d)) / (n * mx * mx), n };
}

export interface Comparison {
  /** Relative lift of treatment over control, (t − c) / c. */
  lift: number;
  liftCi: [number, number];
  /** Absolute difference t − c and the two-sided p-value of its z-test. */
  difference: number;
  pValue: number;
  detected: boolean;
}

/** Fixed-horizon two-sided z-test of t − c, and the relative lift's CI by the delta method on t / c. */
export function compare(c: { value: number; variance: number }, t: { value: number; variance: number }, alpha: number): Comparison {
  const z = zFor(alpha);
  const diff = t.value - c.value;
  const se = Math.sqrt(c.variance + t.variance);
  const pValue = se > 0 ? twoSidedP(diff / se) : diff === 0 ? 1 : 0;
  const lift = t.value / c.value - 1;
  const seLift = Math.sqrt(t.variance / c.value ** 2 + (t.value ** 2 * c.variance) / c.value ** 4);
  return { lift, liftCi: [lift - z * seLift, lift + z * seLift], difference: diff, pValue, detected: pValue < alpha };
}

/**
 * Paired comparison of `b` against `a` (the same units in the same order, e.g. two models' per-user NDCG): the mean
 * difference and its z score (mean over its standard error). Different lengths or none: no gain.
 */
export function pairedGain(a: number[], b: number[]): { mean: number; z: number } {
  const n = a.length;
  if (n === 0 || b.length !== n) return { mean: 0, z: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += b[i]! - a[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (b[i]! - a[i]! - mean) ** 2;
  const se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
  return { mean, z: se > 0 ? mean / se : mean > 0 ? Infinity : mean < 0 ? -Infinity : 0 };
}
