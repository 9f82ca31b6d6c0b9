/**
 * @module
 * The paraphrase dev data (../shared/data, or EDGEFLEET_DATA_DIR): STS-B and MRPC pairs.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

export function dataDir(): string {
  const configured = process.env["EDGEFLEET_DATA_DIR"] ?? "../shared/data";
  return isAbsolute(configured) ? configured : resolve(REPO_ROOT, configured);
}

export interface ScoredPair {
  readonly a: string;
  readonly b: string;
  /** STS-B: similarity 0–5; MRPC: 1 = paraphrase, 0 = not. */
  readonly score: number;
}

function rows(file: string): string[][] {
  const text = readFileSync(join(dataDir(), file), "utf8").replace(/^\uFEFF/, "");
  return text
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line) => line.split("\t"));
}

function pair(a: string | undefined, b: string | undefined, score: string | undefined): ScoredPair | undefined {
  const value = Number(score);
  if (a === undefined || b === undefined || a.trim() === "" || b.trim() === "" || !Number.isFinite(value)) {
    return undefined;
  }
  return { a, b, score: value };
}

/** STS-B: genre, file, year, id, score, sentence 1, sentence 2. */
export function stsbPairs(file = "stsb-dev.tsv"): ScoredPair[] {
  return rows(file).flatMap((r) => pair(r[5], r[6], r[4]) ?? []);
}

/** MRPC: quality, id 1, id 2, string 1, string 2 (the header row has no numeric quality and drops out). */
export function mrpcPairs(file = "mrpc-train.tsv"): ScoredPair[] {
  return rows(file).flatMap((r) => pair(r[3], r[4], r[0]) ?? []);
}

/** SICK: pair id, sentence A, sentence B, relatedness 1–5, entailment label. */
export function sickPairs(file = "sick-train.tsv"): ScoredPair[] {
  return rows(file).flatMap((r) => pair(r[1], r[2], r[3]) ?? []);
}

/** At most `count` elements, evenly spread over `items` (deterministic); all of them when count ≥ length. */
export function everyNth<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) {
    return [...items];
  }
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]).filter((x): x is T => x !== undefined);
}
