// The widget's client of the edge API (DESIGN.md "HTTP API"): the active manifest, immutable artifact files,
// visitor events, and server-side recommendations as the fallback when nothing can be ranked on the device.

import { EdgerecError } from "../../shared/errors.ts";

export type EventType = "view" | "click" | "conversion";

/** One visitor event as the edge takes it: `POST /v1/tenants/{t}/events` with an array of these. */
export interface EdgeEvent {
  userId: string;
  itemId: string;
  /** `impression`: the visitor was shown the item (rotation and experiment reports; never history). */
  type: EventType | "impression";
  /** Milliseconds since the Unix epoch. */
  ts: number;
  /** The edge list (`recommId`) the event is about, for experiment reports. */
  recommId?: string;
  /** Idempotency id: a retry of the same event carries the same id and is not logged twice. */
  eventId?: string;
}

export interface EdgeRecommendationRequest {
  userId?: string;
  recentItems?: string[];
  count: number;
}

export interface EdgeRecommendations {
  items: { id: string; score: number }[];
  modelVersion: string;
  variant?: string;
  recommId?: string;
  source: string;
}

/** A request to the edge that failed: no network (status 0) or an error status with the edge's error body. */
export class EdgeRequestError extends EdgerecError {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(httpStatus === 0 ? "edge_unreachable" : "edge_error", message, httpStatus === 0 ? 503 : httpStatus);
  }
}

export interface EdgeClientConfig {
  endpoint: string;
  tenant: string;
  /** A read-only publishable key; sent as `Authorization: Bearer`. */
  key: string | null;
}

export class EdgeClient {
  private readonly base: string;

  constructor(
    private readonly config: EdgeClientConfig,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.base = `${config.endpoint.replace(/\/+$/, "")}/v1/tenants/${encodeURIComponent(config.tenant)}`;
  }

  /** The active version's manifest, always revalidated (`no-cache` on the edge, `no-store` here). */
  activeManifest(): Promise<Uint8Array> {
    return this.bytes(`${this.base}/artifacts/active/manifest.json`, "no-store");
  }

  /** An immutable artifact file; the browser's HTTP cache may serve it unless `reload`. */
  artifactFile(version: string, name: string, reload = false): Promise<Uint8Array> {
    return this.bytes(`${this.base}/artifacts/${encodeURIComponent(version)}/${name}`, reload ? "reload" : "default");
  }

  /** Sends events; resolves once the edge accepted them (2xx). `keepalive` lets a send outlive a navigation. */
  async sendEvents(events: EdgeEvent[]): Promise<void> {
    const res = await this.request(`${this.base}/events`, {
      method: "POST",
      headers: this.headers(true),
      body: JSON.stringify(events),
      keepalive: true,
    });
    await res.body?.cancel();
  }

  async recommendations(body: EdgeRecommendationRequest): Promise<EdgeRecommendations> {
    const res = await this.request(`${this.base}/recommendations`, { method: "POST", headers: this.headers(true), body: JSON.stringify(body) });
    const json = (await res.json()) as Partial<EdgeRecommendations>;
    if (!Array.isArray(json.items)) throw new EdgeRequestError(res.status, "recommendations: the response has no items array");
    return { items: json.items, modelVersion: String(json.modelVersion ?? ""), variant: json.variant, recommId: typeof json.recommId === "string" ? json.recommId : undefined, source: String(json.source ?? "edge") };
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.config.key) h.authorization = `Bearer ${this.config.key}`;
    if (json) h["content-type"] = "application/json";
    return h;
  }

  private async bytes(url: string, cache: RequestCache): Promise<Uint8Array> {
    const res = await this.request(url, { headers: this.headers(false), cache });
    return new Uint8Array(await res.arrayBuffer());
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, init);
    } catch (e) {
      throw new EdgeRequestError(0, `${init.method ?? "GET"} ${url}: network error (${(e as Error).message})`);
    }
    if (!res.ok) throw new EdgeRequestError(res.status, `${init.method ?? "GET"} ${url}: ${res.status} ${await errorMessage(res)}`);
    return res;
  }
}

/** The edge's `{"error": {"code", "message"}}` body, or the status text. */
async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return `${body.error.code ?? "error"}: ${body.error.message}`;
  } catch {
    // not JSON: fall through to the status text
  }
  return res.statusText || "error";
}
