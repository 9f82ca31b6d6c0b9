/**
 * @module
 * The USE-lite import step: TF.js package → float32 ONNX model bytes + tokenizer vocabulary.
 */
import type { SentencePieceVocab } from "../../shared/tokenizers/sentencepiece-vocab.ts";
import { encodeModel } from "../onnx/onnx-codec.ts";
import { TfGraph } from "./tfjs-graph.ts";
import { buildUseLiteOnnx } from "./use-lite-onnx.ts";
import type { UseLitePackage } from "./use-lite-package.ts";
import { readUseLiteSpec, type UseLiteSpec } from "./use-lite-spec.ts";
import { useLiteVocab } from "./use-lite-vocab.ts";

export interface ImportedUseLite {
  readonly onnx: Uint8Array;
  readonly vocab: SentencePieceVocab;
  readonly spec: UseLiteSpec;
}

export function importUseLite(pkg: UseLitePackage): ImportedUseLite {
  const spec = readUseLiteSpec(new TfGraph(pkg.modelJson.modelTopology.node, pkg.weights));
  const source = `${pkg.name}@${pkg.version}`;
  const model = buildUseLiteOnnx(spec, {
    docString: `Universal Sentence Encoder lite (${pkg.license}), imported from the TF.js model in ${source}.`,
    metadata: {
      "edgefleet.source": source,
      "edgefleet.license": pkg.license,
      "edgefleet.pooling": "mean",
      "edgefleet.tokenizer": "sentencepiece-unigram",
    },
  });
  return { onnx: encodeModel(model), vocab: useLiteVocab(pkg.vocab), spec };
}
