// The Lambda artifact, not the source: `npm run build:lambda` builds the zip, the test unzips it
// into a temp dir outside the repo (so nothing resolves from the repo's node_modules), imports
// the handler from the extracted index.mjs and answers an embeddings request with USE-lite on
// the model files and the onnxruntime-node binding shipped inside the zip.
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildLambdaZip,
  type LambdaArtifact,
  LAMBDA_UNZIPPED_LIMIT_BYTES,
  LAMBDA_ZIPPED_UPLOAD_LIMIT_BYTES,
} from "../../cli/deploy/build-lambda.ts";
import { LambdaResponseSchema } from "../../shared/protocol/lambda-envelope.ts";
import { tempDir } from "../support/temp-dir.ts";

interface PackagedHandler {
  handler(event: unknown): Promise<unknown>;
  streamingHandler(event: unknown, stream: { write(chunk: Uint8Array): unknown; end(): unknown }): Promise<void>;
}

let artifact: LambdaArtifact;
let packaged: PackagedHandler;

beforeAll(async () => {
  artifact = await buildLambdaZip(await tempDir("lambda-dist"));
  const root = await tempDir("lambda-task");
  for (const [path, bytes] of Object.entries(unzipSync(await readFile(artifact.zip)))) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), bytes);
  }
  // The models packaged in the zip, at the absolute task root (Lambda's cwd; a test worker cannot chdir).
  process.env.EDGEFLEET_ORIGIN_CONFIG = JSON.stringify({
    region: "us-east-1",
    data_dir: join(root, "models"),
    manifests: [join(root, "models/manifests/use-lite.json")],
    threads: 1,
    log_level: "error",
  });
  packaged = (await import(pathToFileURL(join(root, "index.mjs")).href)) as PackagedHandler;
});

const embed = (input: string[]) => ({
  method: "POST",
  // The origin's one inference route: an embeddings model answers /v1/predict with its vectors.
  path: "/v1/predict",
  headers: { "content-type": "application/json", "x-request-id": "lambda-zip" },
  body: JSON.stringify({ model: "use-lite", input: { text: input } }),
});

const cos = (a: number[] = [], b: number[] = []) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe("the packaged Lambda zip", () => {
  it("fits Lambda's 250 MB unzipped limit and ships the Linux x64 onnxruntime binding", () => {
    console.log(
      `lambda zip: ${(artifact.zippedBytes / 1e6).toFixed(1)} MB zipped, ${(artifact.unzippedBytes / 1e6).toFixed(1)} MB unzipped (limit 250 MB)`,
    );
    expect(artifact.unzippedBytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
    expect(artifact.zippedBytes).toBeLessThan(LAMBDA_ZIPPED_UPLOAD_LIMIT_BYTES);
    expect(artifact.files).toContain("index.mjs");
    expect(artifact.files).toContain("node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node");
  });

  it("answers an embeddings request from the extracted handler", async () => {
    const res = LambdaResponseSchema.parse(
      await packaged.handler(embed(["a cat sat on the mat", "a kitten was sitting on the rug", "stock prices fell"])),
    );
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as { output: { dimensions: number; embeddings: number[][] } };
    const [cat, kitten, stocks] = body.output.embeddings;
    expect(res.headers["x-edgefleet-served-by"]).toBe("lambda/us-east-1");
    expect(cat).toHaveLength(512);
    expect(cos(cat, kitten)).toBeGreaterThan(cos(cat, stocks));
    expect(cos(cat, kitten)).toBeGreaterThan(0.5);
  });

  it("answers through the streaming handler the SAM template deploys (prelude, 8 NUL bytes, body)", async () => {
    const chunks: Uint8Array[] = [];
    let ended = false;
    await packaged.streamingHandler(embed(["a cat sat on the mat"]), {
      write: (chunk) => chunks.push(chunk),
      end: () => (ended = true),
    });
    expect(ended).toBe(true);
    const bytes = Buffer.concat(chunks);
    const split = bytes.indexOf(Buffer.alloc(8));
    const prelude = JSON.parse(bytes.subarray(0, split).toString()) as { statusCode: number };
    const body = JSON.parse(bytes.subarray(split + 8).toString()) as { output: { embeddings: number[][] } };
    expect(prelude.statusCode).toBe(200);
    expect(body.output.embeddings[0]).toHaveLength(512);
  });

  it("rejects a payload that is not a request envelope with a 400", async () => {
    const res = LambdaResponseSchema.parse(await packaged.handler({ hello: "world" }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("invalid_invocation");
  });
});
