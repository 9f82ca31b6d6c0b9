/**
 * @module
 * `edgefleet cache tune --pairs <file> [--target-false-hits 0.01] [--folds 5] [--tenant t]
 * [--out scorer.json] [--json]`: trains the semantic cache's pair scorer on an operator's own
 * labelled pairs in Node (USE-lite on onnxruntime-node for the cosines), calibrates its
 * threshold on held-out folds with an upper confidence bound on the false-hit rate, and prints
 * the expected hit rate with its 95 % interval. The scorer JSON it writes is what the edge runs.
 */
import { defineCommand } from "citty";
import cliProgress from "cli-progress";
import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { useLiteEmbedder, dot } from "../models/use-lite-embedder.ts";
import { scorerFeatures } from "../../shared/cache/scorer/scorer-features.ts";
import { TuneError, tuneScorer } from "../../shared/cache/scorer/tune.ts";
import { RuleVerifier } from "../../shared/cache/verifier/rule-verifier.ts";
import { parsePairsFile } from "../cache/pairs-file.ts";
import { jsonArg, printResult, UserError } from "../output.ts";
import { cachePublishCommand } from "./cache-publish.ts";

const OptionsSchema = z.object({
  target: z.coerce.number().gt(0).lt(0.5),
  folds: z.coerce.number().int().min(2).max(20),
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/)
    .optional(),
});

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

const tuneCommand = defineCommand({
  meta: { name: "tune", description: "Train and calibrate the semantic cache's pair scorer on labelled pairs" },
  args: {
    pairs: { type: "string", description: "JSONL or TSV of text_a, text_b, label (1 = should hit)", required: true },
    "target-false-hits": { type: "string", description: "False-hit budget (upper 95 % bound)", default: "0.01" },
    folds: { type: "string", description: "Held-out folds for calibration", default: "5" },
    tenant: { type: "string", description: "The tenant whose traffic this is (recorded in the scorer)" },
    out: { type: "string", description: "Where to write the scorer JSON", default: "cache-scorer.json" },
    json: jsonArg,
  },
  async run({ args }) {
    const parsed = OptionsSchema.safeParse({
      target: args["target-false-hits"],
      folds: args.folds,
      tenant: args.tenant,
    });
    if (!parsed.success) {
      throw new UserError(z.prettifyError(parsed.error).replace(/\n/g, " "));
    }
    const content = await readFile(args.pairs, "utf8").catch(() => {
      throw new UserError(`cannot read ${args.pairs}`);
    });
    let pairs: ReturnType<typeof parsePairsFile>;
    try {
      pairs = parsePairsFile(content, args.pairs);
    } catch (error) {
      throw new UserError(error instanceof Error ? error.message : String(error));
    }
    const started = performance.now();
    const bar =
      !args.json && process.stderr.isTTY
        ? new cliProgress.SingleBar(
            { stream: process.stderr, format: "{phase} [{bar}] {value}/{total}", hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
    bar?.start(2, 0, { phase: "embedding" });
    const embedder = await useLiteEmbedder();
    const texts = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
    const vectors = new Map(texts.map((t, i) => [t, i]));
    const embedded = await embedder.embed(texts);
    const verifier = new RuleVerifier();
    const examples = pairs.map((p) => {
      const a = embedded[vectors.get(p.a) ?? -1] ?? new Float32Array(embedder.dimensions);
      const b = embedded[vectors.get(p.b) ?? -1] ?? new Float32Array(embedder.dimensions);
      return { features: scorerFeatures(dot(a, b), p.a, p.b, verifier.compare(p.a, p.b)), label: p.label };
    });
    bar?.update(1, { phase: "embedding" });
    let model: Awaited<ReturnType<typeof tuneScorer>>;
    try {
      model = await tuneScorer(examples, {
        targetFalseHits: parsed.data.target,
        folds: parsed.data.folds,
        ...(parsed.data.tenant ? { tenant: parsed.data.tenant } : {}),
        onProgress: (done, total) => {
          bar?.setTotal(total + 1);
          bar?.update(done + 1, { phase: "tuning" });
        },
      });
    } catch (error) {
      bar?.stop();
      throw error instanceof TuneError ? new UserError(error.message) : error;
    }
    bar?.stop();
    await writeFile(args.out, `${JSON.stringify(model, null, 2)}\n`);
    const seconds = (performance.now() - started) / 1000;
    const cal = model.calibration;
    printResult(
      args.json,
      { scorer: args.out, version: model.version, seconds, calibration: cal, threshold: model.threshold },
      () =>
        [
          `scorer ${model.version} → ${args.out} (${pairs.length} pairs, ${seconds.toFixed(1)} s)`,
          cal
            ? `expected hit rate ${pct(cal.hit_rate)} (95 % interval ${pct(cal.hit_rate_interval[0])}–${pct(cal.hit_rate_interval[1])}) at false hits ${pct(cal.false_hit_rate)} held out, upper bound ${pct(cal.false_hit_upper)} (target ${pct(cal.target_false_hits)})`
            : "",
          model.threshold >= 1 ? "warning: no threshold meets the target on this data: the scorer never hits" : "",
        ]
          .filter((l) => l !== "")
          .join("\n"),
    );
  },
});

export const cacheCommand = defineCommand({
  meta: { name: "cache", description: "The semantic cache: tune its pair scorer, publish it to the registry" },
  subCommands: { tune: tuneCommand, publish: cachePublishCommand },
});
