/**
 * @module
 * `edgefleet quantize <in.onnx> <out.onnx>`: stores a model's large float weights as int8
 * (weight-only: a DequantizeLinear in front of each op), for any ONNX model. Runs in
 * onnxruntime-node and onnxruntime-web alike; about 4x smaller files.
 */
import { defineCommand } from "citty";
import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { type QuantizeOptions, quantizeModelWithReport } from "../quantize/quantize-model.ts";
import { WEIGHT_OPS } from "../quantize/weight-plan.ts";
import { jsonArg, printResult, UserError } from "../output.ts";

const list = (raw: string | undefined) =>
  raw
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

const OptionsSchema = z.object({
  ops: z.array(z.enum(WEIGHT_OPS)).min(1).optional(),
  exclude: z.array(z.string().min(1)).optional(),
  minElements: z.coerce.number().int().positive().optional(),
});

export const quantizeCommand = defineCommand({
  meta: { name: "quantize", description: "Store an ONNX model's float weights as int8" },
  args: {
    input: { type: "positional", description: "The float ONNX model", required: true },
    output: { type: "positional", description: "Where to write the int8 model", required: true },
    "per-tensor": {
      type: "boolean",
      description: "One scale per tensor instead of per output channel",
      default: false,
    },
    ops: {
      type: "string",
      description: `Ops whose weights to quantize (default MatMul,Gemm,Gather; also ${WEIGHT_OPS.join(",")})`,
    },
    exclude: { type: "string", description: "Initializer names to keep in float, comma-separated" },
    "min-elements": { type: "string", description: "Skip weights smaller than this" },
    json: jsonArg,
  },
  async run({ args }) {
    const parsed = OptionsSchema.safeParse({
      ops: list(args.ops),
      exclude: list(args.exclude),
      minElements: args["min-elements"],
    });
    if (!parsed.success) {
      throw new UserError(z.prettifyError(parsed.error).replace(/\n/g, " "));
    }
    const bytes = await readFile(args.input).catch(() => {
      throw new UserError(`cannot read ${args.input}`);
    });
    const options: QuantizeOptions = {
      granularity: args["per-tensor"] ? "per-tensor" : "per-channel",
      ...(parsed.data.ops ? { ops: parsed.data.ops } : {}),
      ...(parsed.data.exclude ? { exclude: parsed.data.exclude } : {}),
      ...(parsed.data.minElements ? { minElements: parsed.data.minElements } : {}),
    };
    let result: ReturnType<typeof quantizeModelWithReport>;
    try {
      result = quantizeModelWithReport(new Uint8Array(bytes), options);
    } catch (error) {
      throw new UserError(
        `${args.input} could not be quantized: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    await writeFile(args.output, result.bytes);
    const { report } = result;
    printResult(args.json, report, () =>
      [
        ...report.quantized.map(
          (q) =>
            `int8  ${q.name}  (${q.op}, ${q.scheme}${q.axis === undefined ? "" : `, axis ${q.axis}`}, ${q.elements} values)`,
        ),
        ...report.skipped.map((s) => `float ${s.name}  (${s.reason})`),
        ...report.warnings.map((w) => `warning: ${w}`),
        `${(report.bytesBefore / 1e6).toFixed(2)} MB → ${(report.bytesAfter / 1e6).toFixed(2)} MB: ${args.output}`,
      ].join("\n"),
    );
  },
});
