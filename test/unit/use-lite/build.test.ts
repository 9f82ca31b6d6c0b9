/**
 * The build writes the four files, describes them truthfully in model-info.json, and gives the
 * same bytes on every run.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildUseLite, USE_LITE_FILES } from "../../../cli/model-import/build-use-lite.ts";
import { ModelInfoSchema } from "../../../cli/model-import/model-info.ts";
import { decodeModel, opsetVersion } from "../../../cli/onnx/onnx-codec.ts";

describe("build-use-lite", () => {
  const dirs = [mkdtempSync(join(tmpdir(), "use-lite-a-")), mkdtempSync(join(tmpdir(), "use-lite-b-"))];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("writes the same bytes twice, and model-info.json matches the files", { timeout: 60_000 }, () => {
    const [a, b] = dirs.map((outDir) => buildUseLite({ outDir }));
    const [dirA = "", dirB = ""] = dirs;
    expect(readdirSync(dirA).toSorted()).toEqual(Object.values(USE_LITE_FILES).toSorted());
    const differing = Object.values(USE_LITE_FILES).filter(
      (name) => !readFileSync(join(dirA, name)).equals(readFileSync(join(dirB, name))),
    );
    expect(differing).toEqual([]);

    const info = ModelInfoSchema.parse(JSON.parse(readFileSync(join(dirA, USE_LITE_FILES.info), "utf8")));
    expect(info).toEqual(a?.info);
    for (const file of info.files) {
      const bytes = readFileSync(join(dirA, file.name));
      expect(file.size).toBe(bytes.length);
      expect(file.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
    expect(info.embedding).toEqual({ dimensions: 512, pooling: "mean", normalized: true });
    expect(info.tokenizer.max_length).toBe(128);
    console.log(`build: ${((a?.millis ?? 0) / 1000).toFixed(2)} s and ${((b?.millis ?? 0) / 1000).toFixed(2)} s`);

    const model = decodeModel(readFileSync(join(dirA, USE_LITE_FILES.fp32)));
    expect(opsetVersion(model)).toBe(17);
    expect(model.graph.input.map((i) => i.name)).toEqual(info.io.inputs.map((i) => i.name));
    expect(model.graph.output.map((o) => o.name)).toEqual(info.io.outputs.map((o) => o.name));
  });
});
