/**
 * @module
 * The labelled pairs file `edgefleet cache tune --pairs` reads: an operator's own traffic, one
 * pair a line, either JSON Lines `{"text_a": …, "text_b": …, "label": …}` or tab-separated
 * `text_a<TAB>text_b<TAB>label` (an optional header line `text_a	text_b	label`). `text_a` is the
 * cached request, `text_b` the new one. Labels: `1`/`true`/`hit` (the cached answer serves it),
 * `0`/`false`/`miss` (it must not). A malformed line is an error naming the line, never skipped.
 */
import { z } from "zod";

export interface LabelledText {
  readonly a: string;
  readonly b: string;
  readonly label: 0 | 1;
}

const Label = z
  .union([z.literal(0), z.literal(1), z.boolean(), z.enum(["0", "1", "true", "false", "hit", "miss"])])
  .transform((l): 0 | 1 => (l === 1 || l === true || l === "1" || l === "true" || l === "hit" ? 1 : 0));
const Text = z.string().trim().min(1).max(8192);
const PairSchema = z.object({ text_a: Text, text_b: Text, label: Label }).strict();

export function parsePairsFile(content: string, name: string): LabelledText[] {
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: LabelledText[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "" || (i === 0 && /^text_a\ttext_b\tlabel$/.test(line.trim()))) {
      continue;
    }
    let raw: unknown;
    if (line.trimStart().startsWith("{")) {
      try {
        raw = JSON.parse(line);
      } catch {
        throw new Error(`${name} line ${i + 1}: not valid JSON`);
      }
    } else {
      const cols = line.split("\t");
      raw = {
        text_a: cols[0],
        text_b: cols[1],
        label: cols[2]?.trim(),
        ...(cols.length > 3 ? { extra: cols[3] } : {}),
      };
    }
    const parsed = PairSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${name} line ${i + 1}: ${issue?.path.join(".") || "line"}: ${issue?.message ?? "malformed"}`);
    }
    out.push({ a: parsed.data.text_a, b: parsed.data.text_b, label: parsed.data.label });
  }
  return out;
}
