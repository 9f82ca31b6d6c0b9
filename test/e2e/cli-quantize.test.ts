// `edgefleet quantize` as a user runs it: a real model in, a smaller int8 model out that
// onnxruntime loads and that answers like the original.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { defaultModelSources } from "../../cli/models/default-models.ts";
import { tempDir } from "../support/temp-dir.ts";

const run = promisify(execFile);

describe("edgefleet quantize", () => {
  it("makes PP-OCRv4 recognition smaller with nearly the same output", async () => {
    const source = defaultModelSources().find((s) => s.id === "ppocr-rec")?.model ?? "";
    const out = join(await tempDir("quantize"), "rec.int8.onnx");
    const { stdout } = await run(process.execPath, ["cli/bin.mjs", "quantize", source, out, "--json"]);
    const report = JSON.parse(stdout) as { bytesBefore: number; bytesAfter: number; quantized: unknown[] };
    expect(report.quantized.length).toBeGreaterThan(0);
    // Its MatMul weights shrink 4x; its Conv weights stay float unless asked (--ops …,Conv).
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore * 0.8);

    const input = new ort.Tensor(
      "float32",
      Float32Array.from({ length: 3 * 48 * 160 }, (_, i) => Math.sin(i / 13)),
      [1, 3, 48, 160],
    );
    const outputs = await Promise.all(
      [source, out].map(async (path) => {
        const session = await ort.InferenceSession.create(new Uint8Array(await readFile(path)));
        const result = await session.run({ [session.inputNames[0] ?? "x"]: input });
        return Object.values(result)[0]?.data as Float32Array;
      }),
    );
    const [fp32, int8] = outputs;
    const maxDiff = (fp32 ?? []).reduce((m, v, i) => Math.max(m, Math.abs(v - (int8?.[i] ?? NaN))), 0);
    expect(maxDiff).toBeLessThan(0.05);
  });

  it("refuses an unreadable file with one line and exit code 2", async () => {
    const failure = await run(process.execPath, [
      "cli/bin.mjs",
      "quantize",
      "/no/such/model.onnx",
      "/tmp/x.onnx",
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot read /no/such/model.onnx") });
  });
});
