/**
 * @module
 * The vocabulary file of a SentencePiece unigram tokenizer, as shipped next to a model
 * (`vocab.json`). It is data from a model package, so it is validated before use.
 */
import { z } from "zod";

export const SENTENCEPIECE_VOCAB_FORMAT = "edgefleet.sentencepiece-unigram/v1";

/** One piece: its text (with `▁` marking a word start) and its log-probability score. */
const PieceSchema = z.tuple([z.string().min(1), z.number().finite()]);

export const SentencePieceVocabSchema = z
  .object({
    format: z.literal(SENTENCEPIECE_VOCAB_FORMAT),
    /** Unicode normalisation applied before splitting. */
    normalization: z.enum(["NFKC", "none"]),
    /** The symbol that replaces spaces and marks the start of the text. */
    space_symbol: z.string().length(1),
    /** The first pieces are control symbols (unk, <s>, </s>, …) that never match text. */
    reserved_count: z.number().int().nonnegative(),
    /** The id emitted for a character no piece starts with. */
    unk_id: z.number().int().nonnegative(),
    pieces: z.array(PieceSchema).min(1),
  })
  .refine((v) => v.unk_id < v.pieces.length && v.reserved_count <= v.pieces.length, {
    message: "unk_id and reserved_count must lie inside pieces",
  });

export type SentencePieceVocab = z.infer<typeof SentencePieceVocabSchema>;
