// Deterministic traffic splitting: a user's bucket in an experiment is a hash of (the experiment's salt, the user
// id), so the same user always sees the same variant of one experiment, and a new experiment (a new salt) splits
// users independently of the last one. FNV-1a over the UTF-16 code units, then murmur3's finaliser, since FNV's
// top bits mix poorly when ids differ only in their last characters.

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) for (salt, user). */
export function bucketOf(salt: string, userId: string): number {
  return fmix32(fnv1a(`${salt}\u0000${userId}`)) / 4294967296;
}

/** Index of the weighted arm that bucket `u` ∈ [0, 1) falls in (weights ≥ 0, at least one > 0). */
export function pickWeighted(u: number, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let at = u * total;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! <= 0) continue;
    if (at < weights[i]!) return i;
    at -= weights[i]!;
  }
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}
