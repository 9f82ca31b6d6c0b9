/**
 * @module
 * The quantize step as a command, until it is wired into `edgefleet quantize`:
 *
 *   npx tsx cli/quantize/quantize-file.ts <in.onnx> <out.onnx>
 *       [--per-tensor] [--ops MatMul,Gemm,Gather,Conv,…] [--exclude name,…] [--min-elements N]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { quantizeModelWithReport, type QuantizeOptions, type QuantizeReport } from "./quantize-model.ts";
import { WEIGHT_OPS } from "./weight-plan.ts";

const ArgsSchema = z.object({
  input: z.string().min(1),
  output: z.string().min(1),
  perTensor: z.boolean(),
  ops: z.array(z.enum(WEIGHT_OPS)).min(1).optional(),
  exclude: z.array(z.string().min(1)).optional(),
  minElements: z.coerce.number().int().positive().optional(),
});

const USAGE =
  "usage: quantize-file <in.onnx> <out.onnx> [--per-tensor] [--ops MatMul,Gemm,Gather,…] [--exclude name,…] [--min-elements N]";

function parseArgs(argv: readonly string[]): z.infer<typeof ArgsSchema> | undefined {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  let perTensor = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--per-tensor") {
      perTensor = true;
    } else if (arg.startsWith("--")) {
      flags.set(arg.slice(2), argv[++i] ?? "");
    } else {
      positional.push(arg);
    }
  }
  const list = (name: string): string[] | undefined =>
    flags
      .get(name)
      ?.split(",")
      .filter((s) => s !== "");
  const parsed = ArgsSchema.safeParse({
    input: positional[0],
    output: positional[1],
    perTensor,
    ops: list("ops"),
    exclude: list("exclude"),
    minElements: flags.get("min-elements"),
  });
  if (!parsed.success) {
    console.error(`${USAGE}\n${z.prettifyError(parsed.error)}`);
    return undefined;
  }
  return parsed.data;
}

export function quantizeFile(input: string, output: string, options: QuantizeOptions): QuantizeReport {
  const { bytes, report } = quantizeModelWithReport(new Uint8Array(readFileSync(input)), options);
  writeFileSync(output, bytes);
  return report;
}

const runAsScript = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
const args = runAsScript ? parseArgs(process.argv.slice(2)) : undefined;
if (runAsScript && args === undefined) {
  process.exitCode = 2;
}
if (args !== undefined) {
  const report = quantizeFile(args.input, args.output, {
    granularity: args.perTensor ? "per-tensor" : "per-channel",
    ...(args.ops === undefined ? {} : { ops: args.ops }),
    ...(args.exclude === undefined ? {} : { exclude: args.exclude }),
    ...(args.minElements === undefined ? {} : { minElements: args.minElements }),
  });
  for (const q of report.quantized) {
    console.log(
      `int8  ${q.name}  (${q.op}, ${q.scheme}${q.axis === undefined ? "" : `, axis ${q.axis}`}, ${q.elements} values)`,
    );
  }
  for (const s of report.skipped) {
    console.log(`float ${s.name}  (${s.reason})`);
  }
  for (const w of report.warnings) {
    console.warn(`warning: ${w}`);
  }
  console.log(
    `${(report.bytesBefore / 1e6).toFixed(2)} MB → ${(report.bytesAfter / 1e6).toFixed(2)} MB: ${args.output}`,
  );
}
