/**
 * @module
 * The labelled pairs of the cache dev data (`EDGEFLEET_DATA_DIR`, default `../shared/data` beside
 * the repo; not part of it), labelled for a cache as follows:
 *
 * - MRPC quality 1 → should hit, 0 → must not hit;
 * - STS-B (train and dev) score ≥ 4.0 → should hit, ≤ 2.5 → must not hit (the middle is left out);
 * - SICK ENTAILMENT with relatedness ≥ 4.0 → should hit; every CONTRADICTION → must not hit
 *   (kept apart as `contradiction`); NEUTRAL with relatedness ≤ 3.0 → must not hit.
 *
 * Evaluation only: these pairs are never shipped and product code never reads them.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export type PairSource = "mrpc" | "stsb" | "sick";
/** `paraphrase`: should hit; `different`: must not hit; `contradiction`: a SICK contradiction, must not hit. */
export type PairLabel = "paraphrase" | "different" | "contradiction";

export interface LabelledPair {
  readonly source: PairSource;
  readonly a: string;
  readonly b: string;
  readonly label: PairLabel;
}

export function cacheDataDir(): string {
  const configured = process.env["EDGEFLEET_DATA_DIR"] ?? "../shared/data";
  return isAbsolute(configured) ? configured : resolve(REPO_ROOT, configured);
}

export function hasCacheDevData(dir = cacheDataDir()): boolean {
  return ["mrpc-train.tsv", "stsb-train.tsv", "stsb-dev.tsv", "sick-train.tsv"].every((f) => existsSync(join(dir, f)));
}

const text = z.string().trim().min(1);
// Some STS-B lines carry two more columns (a source note); `.rest` keeps them out of the way.
const MrpcRow = z.tuple([z.enum(["0", "1"]), z.string(), z.string(), text, text]);
const StsbRow = z
  .tuple([z.string(), z.string(), z.string(), z.string(), z.coerce.number().min(0).max(5), text, text])
  .rest(z.string());
const SickRow = z.tuple([
  z.string(),
  text,
  text,
  z.coerce.number().min(1).max(5),
  z.enum(["ENTAILMENT", "NEUTRAL", "CONTRADICTION"]),
]);

/** Tab-separated rows (MRPC's header dropped); a malformed row is an error, never silently skipped. */
function rows<T>(dir: string, file: string, schema: z.ZodType<T>, header: boolean): T[] {
  const lines = readFileSync(join(dir, file), "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0);
  const skip = header ? 1 : 0;
  return lines.slice(skip).map((line, i) => {
    const parsed = schema.safeParse(line.split("\t"));
    if (!parsed.success) {
      throw new Error(`${file} line ${i + 1 + skip}: ${parsed.error.issues[0]?.message ?? "malformed"}`);
    }
    return parsed.data;
  });
}

export function loadCacheDevPairs(dir = cacheDataDir()): LabelledPair[] {
  const pairs: LabelledPair[] = [];
  for (const [quality, , , a, b] of rows(dir, "mrpc-train.tsv", MrpcRow, true)) {
    pairs.push({ source: "mrpc", a, b, label: quality === "1" ? "paraphrase" : "different" });
  }
  for (const file of ["stsb-train.tsv", "stsb-dev.tsv"]) {
    for (const [, , , , score, a, b] of rows(dir, file, StsbRow, false)) {
      if (score >= 4) {
        pairs.push({ source: "stsb", a, b, label: "paraphrase" });
      } else if (score <= 2.5) {
        pairs.push({ source: "stsb", a, b, label: "different" });
      }
    }
  }
  for (const [, a, b, relatedness, entailment] of rows(dir, "sick-train.tsv", SickRow, false)) {
    if (entailment === "CONTRADICTION") {
      pairs.push({ source: "sick", a, b, label: "contradiction" });
    } else if (entailment === "ENTAILMENT" && relatedness >= 4) {
      pairs.push({ source: "sick", a, b, label: "paraphrase" });
    } else if (entailment === "NEUTRAL" && relatedness <= 3) {
      pairs.push({ source: "sick", a, b, label: "different" });
    }
  }
  return pairs;
}
