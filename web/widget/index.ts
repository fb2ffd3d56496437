// Entry of the widget bundle (ES module and script-tag builds): defines `<edgerec-recs>` once and exports its parts
// for pages that want to drive them.

import { EdgerecRecsElement } from "./recs-element.ts";

export const ELEMENT_NAME = "edgerec-recs";

if (typeof customElements !== "undefined" && !customElements.get(ELEMENT_NAME)) {
  customElements.define(ELEMENT_NAME, EdgerecRecsElement);
}

export { EdgerecRecsElement };
export type { RenderDetail, WidgetMode } from "./recs-element.ts";
export { WidgetStore } from "./widget-store.ts";
export { EVENT_WEIGHTS } from "./local-ranker.ts";

declare global {
  interface HTMLElementTagNameMap {
    "edgerec-recs": EdgerecRecsElement;
  }
}
