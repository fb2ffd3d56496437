// MovieLens 100K: `u.data` (user TAB item TAB rating TAB timestamp), and when given the side files `u.item`
// (id|title|release date|video release date|url|19 genre flags, latin-1), `u.genre` (name|index) and `u.user`
// (id|age|gender|occupation|zip). Ratings become confidence weights; every rating counts as a positive.
// Lines of MovieLens 1M's `ratings.dat` (fields separated by "::") are read too.

import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions, ItemMeta, UserMeta } from "../interactions.ts";
import { decodeLatin1, decodeText, forEachLine, type LineReader } from "./text.ts";

/** The genre list of ml-100k, used when no `u.genre` is given. */
export const ML100K_GENRES = [
  "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
  "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
];

export interface MovieLensInput {
  /** `u.data` text or bytes. */
  data: string | Uint8Array;
  /** `u.item`: bytes are decoded as latin-1, as the file is written. */
  item?: string | Uint8Array;
  user?: string | Uint8Array;
  genre?: string | Uint8Array;
}

export type MovieLensNames = Partial<Record<keyof MovieLensInput, string>>;

/** The side files of a MovieLens directory (text, or bytes; `u.item` bytes are latin-1). */
export type MovieLensSides = Omit<MovieLensInput, "data">;

/** Parses MovieLens files; `names` are the sources used in error messages (default "u.data", "u.item", …). */
export function parseMovieLens(input: MovieLensInput, names: MovieLensNames = {}): Interactions {
  const reader = movieLensReader(names);
  forEachLine(decodeText(input.data), (line, lineNo) => reader.line(line, lineNo));
  return reader.finish(input);
}

/** Takes `u.data` one line at a time (streamed files); `finish` attaches the side files' metadata. */
export function movieLensReader(names: MovieLensNames = {}): LineReader<Interactions> & {
  finish(sides?: MovieLensSides): Interactions;
} {
  const dataName = names.data ?? "u.data";
  const builder = new InteractionsBuilder(dataName);
  return {
    line(line, lineNo) {
      if (line.trim() === "") return;
      const f = line.includes("\t") ? line.split("\t") : line.split("::");
      if (f.length !== 4) {
        throw new DataError(`${dataName}:${lineNo}: expected 4 fields (user, item, rating, timestamp), found ${f.length}`);
      }
      const rating = Number(f[2]);
      const ts = Number(f[3]);
      if (!Number.isFinite(ts) || f[3]!.trim() === "") {
        throw new DataError(`${dataName}:${lineNo}: timestamp must be a number, got ${JSON.stringify(f[3])}`);
      }
      if (f[2]!.trim() === "" || !(rating > 0)) {
        throw new DataError(`${dataName}:${lineNo}: rating must be a finite number > 0, got ${JSON.stringify(f[2])}`);
      }
      builder.add(f[0]!.trim(), f[1]!.trim(), rating, ts, { line: lineNo });
    },
    finish(sides: MovieLensSides = {}) {
      const genres = sides.genre !== undefined ? parseGenres(decodeText(sides.genre), names.genre ?? "u.genre") : ML100K_GENRES;
      if (sides.item !== undefined) {
        for (const [id, meta] of parseItems(decodeLatin1(sides.item), genres, names.item ?? "u.item")) builder.setItemMeta(id, meta);
      }
      if (sides.user !== undefined) {
        for (const [id, meta] of parseUsers(decodeText(sides.user), names.user ?? "u.user")) builder.setUserMeta(id, meta);
      }
      return builder.build();
    },
  };
}

/** `u.genre`: `name|index` lines; returns names by index. */
export function parseGenres(text: string, source: string): string[] {
  const genres: string[] = [];
  forEachLine(text, (line, lineNo) => {
    if (line.trim() === "") return;
    const [name, index, ...rest] = line.split("|");
    const i = Number(index);
    if (!name || rest.length > 0 || !Number.isInteger(i) || i < 0) {
      throw new DataError(`${source}:${lineNo}: expected "name|index", got ${JSON.stringify(line)}`);
    }
    genres[i] = name;
  });
  for (let i = 0; i < genres.length; i++) {
    if (genres[i] === undefined) throw new DataError(`${source}: genre index ${i} is missing`);
  }
  if (genres.length === 0) throw new DataError(`${source}: no genres`);
  return genres;
}

/** `u.item` rows → ItemMeta{title, categories: genres, numbers: {year}, url}. */
export function parseItems(text: string, genres: string[], source: string): Map<string, ItemMeta> {
  const out = new Map<string, ItemMeta>();
  forEachLine(text, (line, lineNo) => {
    if (line.trim() === "") return;
    const f = line.split("|");
    if (f.length !== 5 + genres.length) {
      throw new DataError(`${source}:${lineNo}: expected ${5 + genres.length} "|"-separated fields, found ${f.length}`);
    }
    const categories: string[] = [];
    for (let g = 0; g < genres.length; g++) {
      const flag = f[5 + g];
      if (flag === "1") categories.push(genres[g]!);
      else if (flag !== "0") throw new DataError(`${source}:${lineNo}: genre flag ${g + 1} must be 0 or 1, got ${JSON.stringify(flag)}`);
    }
    const meta: ItemMeta = { title: f[1]!, categories };
    const year = yearOf(f[1]!) ?? yearOf(f[2]!); // the film's year from its title, else the release date
    if (year !== undefined) meta.numbers = { year };
    if (f[4]) meta.url = f[4];
    out.set(f[0]!.trim(), meta);
  });
  return out;
}

/** `u.user` rows → UserMeta{categories: ["gender:M", "occupation:writer"], numbers: {age}}. */
export function parseUsers(text: string, source: string): Map<string, UserMeta> {
  const out = new Map<string, UserMeta>();
  forEachLine(text, (line, lineNo) => {
    if (line.trim() === "") return;
    const f = line.split("|");
    const age = Number(f[1]);
    if (f.length !== 5 || !Number.isFinite(age) || f[1]!.trim() === "") {
      throw new DataError(`${source}:${lineNo}: expected "id|age|gender|occupation|zip" with a numeric age`);
    }
    out.set(f[0]!.trim(), { categories: [`gender:${f[2]}`, `occupation:${f[3]}`], numbers: { age } });
  });
  return out;
}

/** A four-digit year at the end of a date ("01-Jan-1995") or in a title's parentheses ("Heat (1995)"). */
function yearOf(s: string): number | undefined {
  const m = /(?:^|\D)(1[89]\d\d|20\d\d)\)?\s*$/.exec(s);
  return m ? Number(m[1]) : undefined;
}
