// The one in-memory shape of a training set: string ids mapped to dense rows, interactions as parallel typed arrays.
// Every loader produces it; splits, models, metrics and the artifact writer consume it.

/** Maps external string ids to dense 0-based rows and back. */
export class IdMap {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  static from(ids: Iterable<string>): IdMap {
    const map = new IdMap();
    for (const id of ids) map.add(id);
    return map;
  }

  /** Returns the row of `id`, adding it when new. */
  add(id: string): number {
    let row = this.index.get(id);
    if (row === undefined) {
      row = this.ids.length;
      this.index.set(id, row);
      this.ids.push(id);
    }
    return row;
  }

  get(id: string): number | undefined {
    return this.index.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

/** Metadata of one item, used by filters, cold start and the widget's cards. */
export interface ItemMeta {
  title?: string;
  /** Longer free text (description, summary), used as hashed tokens by models with features. */
  description?: string;
  categories?: string[];
  image?: string;
  url?: string;
  /** Numeric features (release year, price, …). */
  numbers?: Record<string, number>;
}

/** Metadata of one user (demographics), used as features by models that take them. */
export interface UserMeta {
  categories?: string[];
  numbers?: Record<string, number>;
}

/**
 * A set of implicit-feedback interactions. Row `k` says user `users[k]` interacted with item `items[k]` with
 * confidence weight `weights[k]` (> 0, finite) at `timestamps[k]` (seconds; NaN when unknown).
 * Duplicated (user, item) pairs are merged by the loaders: weights summed, latest timestamp kept.
 */
export interface Interactions {
  userIds: IdMap;
  itemIds: IdMap;
  users: Int32Array;
  items: Int32Array;
  weights: Float32Array;
  timestamps: Float64Array;
  /** Item metadata by item row (sparse: absent when unknown). */
  itemMeta?: Map<number, ItemMeta>;
  userMeta?: Map<number, UserMeta>;
}

export const interactionCount = (d: Interactions): number => d.users.length;
