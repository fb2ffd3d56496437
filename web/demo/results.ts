// The user explorer after training: pick a user, see what they interacted with (the training part of their history)
// and the model's top 10 for them, scored by the trained vectors; hits on their held-out items are marked.

import { type Csr, toCsr } from "../../shared/data/csr.ts";
import type { Interactions } from "../../shared/data/interactions.ts";
import { scoreAll, topK } from "../../shared/scoring/topk.ts";
import type { TrainedModel } from "../../trainer/models/types.ts";
import { itemTitle } from "./dataset.ts";
import type { RunResult } from "./session.ts";

const MAX_OPTIONS = 2000;
const HISTORY_SHOWN = 12;

export class UserExplorer {
  private train: Csr | null = null;
  private test: Csr | null = null;
  private model: TrainedModel | null = null;
  private data: Interactions | null = null;
  private scores = new Float32Array(0);

  constructor(
    private readonly picker: HTMLSelectElement,
    private readonly historyEl: HTMLOListElement,
    private readonly recsEl: HTMLOListElement,
    private readonly summaryEl: HTMLElement,
  ) {
    picker.addEventListener("change", () => this.show(Number(picker.value)));
  }

  load(run: RunResult): void {
    this.data = run.split.train;
    this.train = toCsr(run.split.train);
    this.test = toCsr(run.split.test);
    this.model = run.model;
    this.scores = new Float32Array(run.model.items);
    // Users with held-out items first: their recommendations can be checked against what they did next.
    const users = Array.from({ length: this.train.rows }, (_, u) => u);
    const held = (u: number) => this.test!.indptr[u + 1]! - this.test!.indptr[u]!;
    users.sort((a, b) => Number(held(b) > 0) - Number(held(a) > 0) || a - b);
    this.picker.replaceChildren(
      ...users.slice(0, MAX_OPTIONS).map((u) => {
        const o = document.createElement("option");
        o.value = String(u);
        o.textContent = `user ${this.data!.userIds.ids[u]} — ${this.train!.indptr[u + 1]! - this.train!.indptr[u]!} items`;
        return o;
      }),
    );
    if (users.length > 0) this.show(users[0]!);
  }

  show(user: number): void {
    const { train, test, model, data } = this;
    if (!train || !test || !model || !data || user < 0 || user >= train.rows) return;
    this.picker.value = String(user);
    const seenFrom = train.indptr[user]!;
    const seenTo = train.indptr[user + 1]!;
    const seen = new Set(train.indices.subarray(seenFrom, seenTo));
    const heldOut = new Set(test.indices.subarray(test.indptr[user]!, test.indptr[user + 1]!));

    const history = Array.from(train.indices.subarray(seenFrom, seenTo));
    this.historyEl.replaceChildren(...history.slice(0, HISTORY_SHOWN).map((row) => itemLi(data, row)));
    if (history.length > HISTORY_SHOWN) {
      const more = document.createElement("li");
      more.className = "more";
      more.textContent = `… and ${history.length - HISTORY_SHOWN} more`;
      this.historyEl.appendChild(more);
    }

    const vec = model.userFactors.subarray(user * model.dim, (user + 1) * model.dim);
    scoreAll(model.itemFactors, model.dim, vec, this.scores);
    const top = topK(this.scores, 10, (row) => seen.has(row));
    let hits = 0;
    this.recsEl.replaceChildren(
      ...Array.from(top.rows, (row, i) => {
        const li = itemLi(data, row);
        const score = document.createElement("span");
        score.className = "score";
        score.textContent = top.scores[i]!.toFixed(2);
        li.appendChild(score);
        if (heldOut.has(row)) {
          hits++;
          li.classList.add("hit");
          li.title = "the user interacted with this item in the held-out 20%";
        }
        return li;
      }),
    );
    this.summaryEl.textContent =
      `${hits} of the top 10 are among this user's ${heldOut.size} held-out item${heldOut.size === 1 ? "" : "s"}`;
  }
}

function itemLi(data: Interactions, row: number): HTMLLIElement {
  const li = document.createElement("li");
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = itemTitle(data, row);
  li.appendChild(title);
  const cats = data.itemMeta?.get(row)?.categories;
  if (cats?.length) {
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = cats.slice(0, 2).join(" · ");
    li.appendChild(tag);
  }
  return li;
}
