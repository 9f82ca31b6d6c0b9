/**
 * @module
 * Text tokenizers by the kind a manifest names, built from the model's vocabulary file.
 * Only tokenizers that run in workerd (no Node built-ins, no wasm from bytes) belong here.
 */
import { ApiError } from "../errors.ts";
import { SentencePieceUnigramTokenizer } from "../tokenizers/sentencepiece-unigram.ts";

export interface TextTokenizer {
  encode(text: string): number[];
}

export const TOKENIZER_KINDS = ["sentencepiece-unigram"] as const;
export type TokenizerKind = (typeof TOKENIZER_KINDS)[number];

export function createTokenizer(kind: TokenizerKind, vocabFile: Uint8Array | undefined): TextTokenizer {
  if (!vocabFile) {
    throw new ApiError(500, "model_misconfigured", "the embedder's manifest lists no vocab file");
  }
  const vocab: unknown = JSON.parse(new TextDecoder().decode(vocabFile));
  switch (kind) {
    case "sentencepiece-unigram":
      return new SentencePieceUnigramTokenizer(vocab);
  }
}
