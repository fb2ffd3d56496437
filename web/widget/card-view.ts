// What a card shows for an item: title, categories, image, link, price (formatted in the page's locale when the
// widget has a `currency`) and the reason line.

import type { ItemRecord } from "../../shared/artifact/manifest.ts";
import type { CardView } from "./cards.ts";
import type { Reason } from "./local-ranker.ts";

export function cardView(item: ItemRecord, reason: string, currency: string | null): CardView {
  const price = item.numbers?.price;
  const view: CardView = { id: item.id, title: item.title ?? item.id, categories: chipsOf(item.categories ?? []), reason };
  if (item.image) view.image = item.image;
  if (item.url) view.url = item.url;
  if (price !== undefined && currency) view.price = formatPrice(price, currency);
  return view;
}

/** Chips show values: a catalogue's `column:value` categories (`brand:Acme`, for filters) show as `Acme`. */
const chipsOf = (categories: string[]): string[] => categories.map((c) => c.slice(c.indexOf(":") + 1)).filter((c) => c !== "");

export function reasonText(reason: Reason): string {
  return reason.kind === "because" ? `Because you viewed ${reason.title}` : "Popular right now";
}

const priceFormats = new Map<string, Intl.NumberFormat>();

function formatPrice(value: number, currency: string): string {
  let f = priceFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "currency", currency });
    } catch {
      // an unknown currency code: plain two decimals
      f = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    priceFormats.set(currency, f);
  }
  return f.format(value);
}
