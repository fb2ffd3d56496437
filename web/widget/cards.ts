// Renders the recommendation cards into the widget's list, keyed by item id: a card that stays in the list is moved,
// not rebuilt, so its image does not reload and a re-rank costs a few DOM moves. All item text goes in through
// textContent (item metadata is data, never markup).
// Parts for page styling: list, item, card, media, image, placeholder, chip, title, price, reason.

export interface CardView {
  id: string;
  title: string;
  categories: string[];
  image?: string;
  /** When set, the card is a link to the product; otherwise a button. */
  url?: string;
  /** Already formatted, e.g. "$129.00". */
  price?: string;
  reason: string;
}

export class CardList {
  private readonly cards = new Map<string, { li: HTMLLIElement; view: CardView }>();

  constructor(readonly list: HTMLUListElement) {
    list.setAttribute("part", "list");
  }

  render(views: CardView[]): void {
    const next = new Map<string, { li: HTMLLIElement; view: CardView }>();
    const lis: HTMLLIElement[] = [];
    for (const view of views) {
      let entry = this.cards.get(view.id);
      if (!entry || !sameCard(entry.view, view)) entry = { li: buildCard(view), view };
      else if (entry.view.reason !== view.reason) {
        entry.li.querySelector(".reason")!.textContent = view.reason;
        entry.view = view;
      }
      next.set(view.id, entry);
      lis.push(entry.li);
    }
    this.cards.clear();
    for (const [id, entry] of next) this.cards.set(id, entry);
    // Only touch the DOM where the order changed.
    const current = this.list.children;
    let same = current.length === lis.length;
    for (let k = 0; same && k < lis.length; k++) same = current[k] === lis[k];
    if (!same) this.list.replaceChildren(...lis);
    this.list.removeAttribute("aria-busy");
  }

  /** Grey placeholder cards while the model loads. */
  skeleton(count: number): void {
    this.cards.clear();
    const lis: HTMLLIElement[] = [];
    for (let k = 0; k < count; k++) {
      const li = el("li", "skeleton");
      li.setAttribute("aria-hidden", "true");
      const card = el("div", "card");
      const body = el("span", "body");
      for (const width of ["40%", "85%", "60%"]) {
        const line = el("span", "line");
        line.style.width = width;
        appendNodes(body, line);
      }
      appendNodes(card, el("span", "media"), body);
      appendNodes(li, card);
      lis.push(li);
    }
    this.list.replaceChildren(...lis);
    this.list.setAttribute("aria-busy", "true");
  }

  /** The card elements in list order (the focusable `a`/`button` of each item). */
  cardElements(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>(".card[data-item-id]")];
  }
}

const sameCard = (a: CardView, b: CardView): boolean =>
  a.title === b.title && a.image === b.image && a.url === b.url && a.price === b.price && a.categories.join("\u0000") === b.categories.join("\u0000");

function buildCard(view: CardView): HTMLLIElement {
  const li = el("li");
  li.setAttribute("part", "item");
  const card = view.url ? Object.assign(el("a"), { href: view.url }) : Object.assign(el("button"), { type: "button" });
  card.className = "card";
  card.setAttribute("part", "card");
  card.dataset.itemId = view.id;

  const media = el("span", "media");
  media.setAttribute("part", "media");
  if (view.image) {
    const img = Object.assign(el("img"), { src: view.image, alt: "", loading: "lazy", decoding: "async" });
    img.setAttribute("part", "image");
    appendNodes(media, img);
  } else {
    const initial = el("span", "placeholder");
    initial.setAttribute("part", "placeholder");
    initial.setAttribute("aria-hidden", "true");
    initial.textContent = (view.title.trim()[0] ?? "•").toUpperCase();
    appendNodes(media, initial);
  }

  const body = el("span", "body");
  if (view.categories.length > 0) {
    const chips = el("span", "chips");
    for (const c of view.categories.slice(0, 2)) {
      const chip = el("span", "chip");
      chip.setAttribute("part", "chip");
      chip.textContent = c;
      appendNodes(chips, chip);
    }
    appendNodes(body, chips);
  }
  const title = el("span", "title");
  title.setAttribute("part", "title");
  title.textContent = view.title;
  appendNodes(body, title);
  if (view.price) {
    const price = el("span", "price");
    price.setAttribute("part", "price");
    price.textContent = view.price;
    appendNodes(body, price);
  }
  const reason = el("span", "reason");
  reason.setAttribute("part", "reason");
  reason.textContent = view.reason;
  appendNodes(body, reason);

  appendNodes(card, media, body);
  appendNodes(li, card);
  return li;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

/**
 * `parent.append(...nodes)` through appendChild: the repo's tsconfig also loads @cloudflare/workers-types, whose
 * HTMLRewriter `Element.append` overload shadows the DOM one for the type checker.
 */
export function appendNodes(parent: Node, ...nodes: Node[]): void {
  for (const n of nodes) parent.appendChild(n);
}
