// A dependency guard for the remote tiers (Redis, KV): every call gets a bounded time, and a circuit breaker stops
// calling a dependency that keeps failing (open for `openMs`, then one probe at a time). A call the guard refuses or
// that fails throws DependencyDown at once; the layered stores catch it and answer from memory and the artifact, so
// a slow or dead Redis/KV degrades service and never makes a request wait long or fail. Nothing is queued.

export class DependencyDown extends Error {
  constructor(
    readonly dependency: string,
    reason: string,
  ) {
    super(`${dependency} unavailable: ${reason}`);
  }
}

export interface GuardOptions {
  /** Longest a call may take (ms). */
  timeoutMs?: number;
  /** Consecutive failures that open the breaker. */
  failuresToOpen?: number;
  /** How long the breaker stays open before a probe (ms). */
  openMs?: number;
  now?: () => number;
}

export type GuardState = "ok" | "failing" | "open";

export interface GuardHealth {
  state: GuardState;
  failures: number;
  lastError: string | null;
  /** Calls answered without the dependency since start (timeouts, errors, breaker open). */
  fallbacks: number;
}

export class Guard {
  private failures = 0;
  private openUntil = 0;
  private probing = false;
  private lastError: string | null = null;
  private fallbacks = 0;
  private readonly timeoutMs: number;
  private readonly failuresToOpen: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    o: GuardOptions = {},
  ) {
    this.timeoutMs = o.timeoutMs ?? 150;
    this.failuresToOpen = o.failuresToOpen ?? 3;
    this.openMs = o.openMs ?? 2000;
    this.now = o.now ?? Date.now;
  }

  health(): GuardHealth {
    const state: GuardState = this.failures === 0 ? "ok" : this.failures >= this.failuresToOpen ? "open" : "failing";
    return { state, failures: this.failures, lastError: this.lastError, fallbacks: this.fallbacks };
  }

  /** Runs `fn` within the time bound, or throws DependencyDown (at once while the breaker is open). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const open = this.failures >= this.failuresToOpen;
    if (open && (this.now() < this.openUntil || this.probing)) {
      this.fallbacks++;
      throw new DependencyDown(this.name, "circuit open");
    }
    const probe = open;
    if (probe) this.probing = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      this.failures = 0;
      this.lastError = null;
      return result;
    } catch (e) {
      this.failures++;
      this.fallbacks++;
      this.lastError = (e as Error).message.slice(0, 200);
      if (this.failures >= this.failuresToOpen) this.openUntil = this.now() + this.openMs;
      throw e instanceof DependencyDown ? e : new DependencyDown(this.name, this.lastError);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      if (probe) this.probing = false;
    }
  }
}

/** Work to finish after the response (a Worker's `ctx.waitUntil`). */
export type Background = (work: Promise<unknown>) => void;

/**
 * A request's soft deadline for a remote read: waits at most `budgetMs` for `read`, else throws DependencyDown so the
 * caller answers from memory and the artifact. The read itself goes on under `background` (its own completion
 * handler, e.g. filling the memory tier, still runs, and the guard's accounting settles), so the user's next request
 * finds what this one could not wait for. Without a budget or a background runner it simply awaits `read`.
 */
export async function withinBudget<T>(read: Promise<T>, budget: { ms: number; background: Background } | undefined, dependency: string): Promise<T> {
  if (!budget) return read;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), budget.ms)));
  try {
    const first = await Promise.race([read, late]);
    if (first !== "late") return first as T;
  } finally {
    clearTimeout(timer);
  }
  budget.background(read.catch(() => undefined));
  throw new DependencyDown(dependency, `no answer within the request's ${budget.ms} ms budget`);
}
