// `<edgerec-recs tenant endpoint key count private heading currency user ranking visitor-attributes>`: the embeddable
// recommendations widget.
// It loads the active model into IndexedDB once (model-loader.ts), keeps the visitor's events there, and ranks on
// the device (local-ranker.ts); a click re-ranks and re-renders synchronously, inside the click's own task. Only
// when there is no usable local model, or when `user` names a known user, does it ask the edge for recommendations
// (the edge leaves out that user's training items, a list that never reaches the browser), or when the page gave
// `visitor-attributes` and the visitor has no history here yet (the edge may serve them from the model's cold-user
// head; once they have events, the device ranks again). With `private`, events
// never leave the device: they are neither sent nor put in any request (nor are the visitor's attributes). Whatever ranks, an item the visitor
// interacted with on this device is never shown.
//
// API for the page: `track(itemId, "view" | "click")` records an event (e.g. on a product page); the
// `visitorAttributes` property reads and sets `visitor-attributes` (an object, or null to remove it); events
// `edgerec-render` {items, source, personalised, modelVersion, ms}, `edgerec-select` {itemId, item} (cancelable:
// cancel it to handle navigation yourself), `edgerec-error` {message}.

import { cardView, reasonText } from "./card-view.ts";
import { CardList, appendNodes } from "./cards.ts";
import { EdgeClient, type EventType } from "./edge-client.ts";
import { EventOutbox } from "./event-outbox.ts";
import { LocalRanker } from "./local-ranker.ts";
import { type LocalModel, canFoldOnDevice, loadActive, loadKept } from "./model-loader.ts";
import { WIDGET_CSS } from "./styles.ts";
import { type StoredEvent, WidgetStore } from "./widget-store.ts";
import { type WidgetConfig, readConfig } from "./widget-config.ts";
import type { UserAttributes } from "../../shared/features/user-attributes.ts";

export type WidgetMode = "loading" | "local" | "edge" | "unavailable";

/** The edge's most results per request (edge/app/schemas.ts MAX_COUNT). */
const MAX_EDGE_COUNT = 100;

/** Events kept per tenant on the device (older sent or private ones are pruned on load). */
const EVENTS_KEPT = 500;

export interface RenderDetail {
  items: string[];
  source: "local" | "edge";
  personalised: boolean;
  modelVersion: string;
  /** Milliseconds spent ranking and rendering (local) or waiting for the edge and rendering (edge). */
  ms: number;
}

export class EdgerecRecsElement extends HTMLElement {
  static readonly observedAttributes = ["tenant", "endpoint", "key", "count", "private", "heading", "currency", "user", "ranking", "visitor-attributes"];

  private readonly cards: CardList;
  private readonly headingEl: HTMLHeadingElement;
  private readonly badgeEl: HTMLSpanElement;
  private readonly statusEl: HTMLParagraphElement;
  private readonly liveEl: HTMLSpanElement;
  private config: WidgetConfig = readConfig(this);
  private store: WidgetStore | null = null;
  private model: LocalModel | null = null;
  private ranker: LocalRanker | null = null;
  private history: StoredEvent[] = [];
  private shown: string[] = [];
  /** The list the edge ranked last (clicks on its cards carry its recommId). */
  private edgeList: { recommId: string; ids: Set<string> } | null = null;
  private visitor = "";
  private generation = 0;
  private outbox: EventOutbox | null = null;
  private started = false;
  private lastRender: RenderDetail | null = null;
  private problems: string[] = [];
  private mode: WidgetMode = "loading";
  private readonly onOnline = (): void => void this.flush();

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = WIDGET_CSS;
    const section = document.createElement("section");
    section.setAttribute("aria-labelledby", "edgerec-heading");
    const head = Object.assign(document.createElement("div"), { className: "head" });
    this.headingEl = Object.assign(document.createElement("h2"), { id: "edgerec-heading" });
    this.headingEl.setAttribute("part", "heading");
    this.badgeEl = Object.assign(document.createElement("span"), { className: "badge" });
    this.badgeEl.setAttribute("part", "badge");
    appendNodes(head, this.headingEl, this.badgeEl);
    const list = document.createElement("ul");
    list.setAttribute("aria-labelledby", "edgerec-heading");
    this.cards = new CardList(list);
    this.statusEl = Object.assign(document.createElement("p"), { className: "status", hidden: true });
    this.statusEl.setAttribute("part", "status");
    this.liveEl = Object.assign(document.createElement("span"), { className: "sr-only" });
    this.liveEl.setAttribute("role", "status");
    this.liveEl.setAttribute("aria-live", "polite");
    appendNodes(section, head, list, this.statusEl, this.liveEl);
    appendNodes(root, style, section);
    list.addEventListener("click", (e) => this.onCardClick(e));
    list.addEventListener("keydown", (e) => this.onKeyDown(e));
  }

  connectedCallback(): void {
    window.addEventListener("online", this.onOnline);
    if (!this.started) {
      this.started = true;
      this.config = readConfig(this);
      void this.reload();
    }
  }

  disconnectedCallback(): void {
    window.removeEventListener("online", this.onOnline);
  }

  attributeChangedCallback(name: string, before: string | null, after: string | null): void {
    if (before === after || !this.started) return;
    this.config = readConfig(this);
    if (name === "tenant" || name === "endpoint" || name === "key" || name === "user") void this.reload();
    else if (name === "count" || name === "currency" || name === "ranking" || name === "visitor-attributes") this.rerender(false);
    else this.renderChrome();
  }

  /** What the widget shows now (for pages and tests). */
  get state(): {
    mode: WidgetMode;
    modelVersion: string;
    items: string[];
    personalised: boolean;
    visitorId: string;
    scorer: string | null;
    /** Why the newest version is not in use (unreachable edge, a file that failed its check), from the last load. */
    problems: string[];
  } {
    return {
      problems: [...this.problems],
      mode: this.mode,
      scorer: this.ranker?.scorerKind ?? null,
      modelVersion: this.model?.manifest.version ?? this.lastRender?.modelVersion ?? "",
      items: this.lastRender?.items ?? [],
      personalised: this.lastRender?.personalised ?? false,
      visitorId: this.visitor,
    };
  }

  /** The visitor's attributes the edge may rank a new visitor from (`visitor-attributes`, validated); null: none. */
  get visitorAttributes(): UserAttributes | null {
    return this.config.visitorAttributes;
  }

  set visitorAttributes(value: UserAttributes | null) {
    if (value === null || value === undefined) this.removeAttribute("visitor-attributes");
    else this.setAttribute("visitor-attributes", JSON.stringify(value));
  }

  /** Records that the visitor viewed, clicked or bought (conversion) an item and re-ranks at once. */
  track(itemId: string, type: EventType = "view"): void {
    if (typeof itemId !== "string" || itemId === "") throw new TypeError("track(itemId, type): itemId must be a non-empty string");
    if (type !== "view" && type !== "click" && type !== "conversion") throw new TypeError(`track: unknown event type '${String(type)}'; expected one of: view, click, conversion`);
    const event: StoredEvent = { tenant: this.config.tenant, itemId, type, ts: Date.now(), sent: 0, local: this.config.private ? 1 : 0 };
    if (this.edgeList?.ids.has(itemId)) event.recommId = this.edgeList.recommId;
    this.history.push(event);
    this.rerender(true);
    void this.store
      ?.addEvent(event)
      .then((seq) => {
        event.seq = seq;
        return this.flush();
      })
      .catch((e: unknown) => this.fail(`could not store an event: ${(e as Error).message}`));
  }

  /** Loads (or re-loads) the model for the configured tenant and renders. */
  async reload(): Promise<void> {
    const gen = ++this.generation;
    this.outbox = null;
    this.mode = "loading";
    this.model = null;
    this.ranker = null;
    this.renderChrome();
    this.cards.skeleton(Math.min(this.config.count, 8));
    if (!this.config.tenant) return this.fail("the tenant attribute is required", true);
    try {
      this.store ??= await WidgetStore.open();
      mark("store-open");
      const edge = this.edge();
      const tenant = this.config.tenant;
      await this.store.pruneEvents(tenant, EVENTS_KEPT);
      const [visitor, history, kept] = await Promise.all([this.store.visitorId(), this.store.events(tenant), loadKept(edge, this.store, tenant)]);
      if (gen !== this.generation) return;
      mark("kept-loaded");
      this.visitor = visitor;
      this.outbox = new EventOutbox(edge, this.store, tenant, visitor, (p) => this.problems.push(p));
      // Events tracked while loading are kept after the stored ones.
      this.history = [...history, ...this.history.filter((e) => e.seq === undefined && e.tenant === tenant)];
      this.problems = kept.problems;
      // Render the kept version at once; then ask the edge whether a newer one is active.
      if (kept.model) await this.useModel(kept.model, gen);
      const active = await loadActive(edge, this.store, tenant, kept.model?.manifest.version ?? null);
      if (gen !== this.generation) return;
      mark("active-checked");
      this.problems = [...kept.problems, ...active.problems];
      for (const p of this.problems) console.warn(`edgerec-recs: ${p}`);
      if (active.model) await this.useModel(active.model, gen);
      else if (!kept.model) await this.useModel(null, gen);
      void this.flush();
    } catch (e) {
      if (gen === this.generation) this.fail((e as Error).message, true);
    }
  }

  /**
   * Ranks on the device with a fold-in model; anything else (no model, no fold-in) asks the edge, and so does a
   * known user (`user`): only the edge has their trained vector and their training items to leave out.
   */
  private async useModel(m: LocalModel | null, gen: number): Promise<void> {
    this.model = m;
    m?.saved.catch((e: unknown) => {
      this.problems.push(`could not keep version ${m.manifest.version} in IndexedDB: ${(e as Error).message}`);
      console.warn(`edgerec-recs: ${this.problems.at(-1)}`);
    });
    const foldIn = m?.manifest.model.foldIn;
    if (m && foldIn && canFoldOnDevice(m) && !this.config.user) {
      this.ranker = new LocalRanker(m.items, m.vectors, m.gram, foldIn, m.popular, "wasm-simd", m.foldInData, m.neighbours);
      // The ranker keeps its own copy of the vectors (in the scorer's memory): drop ours.
      this.model = { ...m, vectors: { rows: m.vectors.rows, dim: m.vectors.dim, data: this.ranker.itemVectors } };
      this.mode = "local";
      this.rerender(false);
    } else {
      this.ranker = null;
      this.mode = "edge";
      await this.renderFromEdge(gen);
    }
  }

  private edge(): EdgeClient {
    return new EdgeClient({ endpoint: this.config.endpoint, tenant: this.config.tenant, key: this.config.key });
  }

  /** The badge says "Personalised" only when the list shown was ranked from this visitor's events. */
  private renderChrome(personalised = false): void {
    this.headingEl.textContent = this.config.heading;
    this.badgeEl.textContent = this.config.private ? "Private: stays on this device" : "Personalised on this device";
    this.badgeEl.hidden = this.mode !== "local" || (!this.config.private && !personalised);
  }

  /** Ranks on the device and renders, synchronously. `announce` tells screen readers that the list changed. */
  private rerender(announce: boolean): void {
    if (this.mode === "edge" || this.newVisitorWithAttributes()) {
      void this.renderFromEdge(this.generation, announce);
      return;
    }
    this.renderLocal(announce);
  }

  /**
   * A visitor with no history on this device whom the page described: the device could only show popular items,
   * the edge may rank them from the attributes (its answer says `popular` when it cannot either).
   */
  private newVisitorWithAttributes(): boolean {
    return this.mode === "local" && this.config.visitorAttributes !== null && !this.config.private && this.history.length === 0;
  }

  private renderLocal(announce: boolean): void {
    if (!this.ranker || !this.model) return;
    const t0 = performance.now();
    const focusAt = this.focusedCardIndex();
    const ranking = this.ranker.rank(this.history, this.config.count, this.config.ranking, this.shown);
    // What this visitor was shown (newest first, capped), for rotation on the next render.
    this.shown = [...ranking.items.map((r) => r.item.id), ...this.shown.filter((id) => !ranking.items.some((r) => r.item.id === id))].slice(0, 50);
    this.cards.render(ranking.items.map((r) => cardView(r.item, reasonText(r.reason), this.config.currency)));
    if (focusAt >= 0) this.restoreFocus(focusAt);
    this.renderChrome(ranking.personalised);
    if (announce) this.liveEl.textContent = `Recommendations updated: ${ranking.items.length} items`;
    this.emitRender({
      items: ranking.items.map((r) => r.item.id),
      source: "local",
      personalised: ranking.personalised,
      modelVersion: this.model.manifest.version,
      ms: performance.now() - t0,
    });
  }

  /**
   * The edge ranks when nothing local can, or for a known user. In private mode the request carries no events (and
   * no visitor id; a configured `user` is the page's own choice) and always asks for the most results. Items the
   * visitor interacted with here are asked for as extra results and dropped on the device, so none is shown even
   * beyond the recent ones sent.
   */
  private async renderFromEdge(gen: number, announce = false): Promise<void> {
    const t0 = performance.now();
    const local = [...new Set(this.history.map((e) => e.itemId).reverse())];
    const recent = local.slice(0, 20);
    const userId = this.config.user ?? (this.config.private ? undefined : this.visitor);
    const sent = this.config.private ? [] : recent;
    const hidden = new Set(local);
    // Private: a constant ask, so not even the number of local items leaves the device.
    const ask = this.config.private ? MAX_EDGE_COUNT : Math.min(MAX_EDGE_COUNT, this.config.count + local.length - sent.length);
    const attributes = this.config.private ? null : this.config.visitorAttributes;
    const body = { ...(userId ? { userId } : {}), ...(sent.length ? { recentItems: sent } : {}), ...(attributes ? { attributes } : {}), count: ask };
    try {
      const res = await this.edge().recommendations(body);
      if (gen !== this.generation) return;
      // The visitor acted while the edge answered: the device has ranked their history since; keep that list.
      if (this.mode === "local" && !this.newVisitorWithAttributes()) return;
      const items = res.items.filter((r) => !hidden.has(r.id)).slice(0, this.config.count);
      const byId = new Map(this.model?.items.map((item) => [item.id, item]) ?? []);
      const reason = res.source === "popular" ? "Popular right now" : "Picked for you";
      this.cards.render(items.map((r) => cardView(byId.get(r.id) ?? { id: r.id }, reason, this.config.currency)));
      this.recordImpressions(items.map((r) => r.id), res.recommId, userId);
      this.statusEl.hidden = true;
      // The badge says "on this device": not for a list the edge ranked.
      if (this.mode === "local") this.renderChrome(false);
      const personalised = res.source !== "popular" && (this.config.user !== null || (!this.config.private && (recent.length > 0 || attributes !== null)));
      this.emitRender({ items: items.map((r) => r.id), source: "edge", personalised, modelVersion: res.modelVersion, ms: performance.now() - t0 });
    } catch (e) {
      if (gen !== this.generation) return;
      // A new visitor asked for with attributes: the device model still ranks (popular items) when the edge fails.
      if (this.mode === "local") {
        if (!this.newVisitorWithAttributes()) return;
        this.problems.push(`the edge did not rank this visitor from their attributes: ${(e as Error).message}`);
        this.renderLocal(announce);
      } else this.fail(`no local model and the edge did not answer: ${(e as Error).message}`, true);
    }
  }

  /** Tells the edge what this visitor was shown (rotation; experiment reports), unless private. Best effort. */
  private recordImpressions(ids: string[], recommId: string | undefined, userId: string | undefined): void {
    this.edgeList = recommId ? { recommId, ids: new Set(ids) } : null;
    if (this.config.private || !userId || ids.length === 0) return;
    const ts = Date.now();
    this.edge()
      .sendEvents(ids.map((itemId) => ({ userId, itemId, type: "impression" as const, ts, ...(recommId ? { recommId } : {}) })))
      .catch((e: unknown) => this.problems.push(`impressions not sent: ${(e as Error).message}`));
  }

  private onCardClick(e: MouseEvent): void {
    const card = (e.target as Element | null)?.closest<HTMLElement>(".card[data-item-id]");
    const itemId = card?.dataset.itemId;
    if (!itemId) return;
    const item = this.model?.items[this.ranker?.rowOf(itemId) ?? -1] ?? { id: itemId };
    const select = new CustomEvent("edgerec-select", { detail: { itemId, item }, cancelable: true, bubbles: true, composed: true });
    if (!this.dispatchEvent(select)) e.preventDefault();
    this.track(itemId, "click");
  }

  /** Arrow keys, Home and End move between cards; Enter and Space activate them (native buttons and links). */
  private onKeyDown(e: KeyboardEvent): void {
    const cards = this.cards.cardElements();
    const at = this.focusedCardIndex();
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: cards.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    cards[Math.max(0, Math.min(cards.length - 1, to))]?.focus();
  }

  private focusedCardIndex(): number {
    const active = this.shadowRoot?.activeElement;
    return active ? this.cards.cardElements().indexOf(active as HTMLElement) : -1;
  }

  /** After a re-rank the clicked card is gone (seen items are left out): focus stays at the same place in the list. */
  private restoreFocus(index: number): void {
    const cards = this.cards.cardElements();
    cards[Math.min(index, cards.length - 1)]?.focus({ preventScroll: true });
  }

  private flush(): Promise<void> {
    if (!this.outbox || this.config.private) return Promise.resolve();
    return this.outbox.flush(this.history);
  }

  private emitRender(detail: RenderDetail): void {
    mark("render");
    this.lastRender = detail;
    this.dispatchEvent(new CustomEvent("edgerec-render", { detail, bubbles: true, composed: true }));
  }

  private fail(message: string, show = false): void {
    console.warn(`edgerec-recs: ${message}`);
    if (show) {
      this.mode = "unavailable";
      this.cards.render([]);
      this.statusEl.hidden = false;
      this.statusEl.textContent = "Recommendations are unavailable right now.";
      this.renderChrome();
    }
    this.dispatchEvent(new CustomEvent("edgerec-error", { detail: { message }, bubbles: true, composed: true }));
  }
}

/** Performance marks (`edgerec:…`) for the page's own timing and devtools. */
const mark = (name: string): void => void performance.mark?.(`edgerec:${name}`);
