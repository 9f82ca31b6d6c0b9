// Structural checks of deploy files this machine cannot exercise for real (no AWS account, no
// container engine): the SAM template against a zod schema of the fields we rely on, and the
// Dockerfile's stages. Neither proves a deploy or a build; see deploy/README.md.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { LAMBDA_MODELS_DIR } from "../../../cli/deploy/build-lambda.ts";
import { OriginConfigSchema } from "../../../origin/config.ts";

/** SAM's short-form intrinsics (!Ref, !Sub, !GetAtt) become plain values for the check. */
function readTemplate(path: string): unknown {
  const doc = parseDocument(readFileSync(path, "utf8"), {
    customTags: ["!Ref", "!Sub", "!GetAtt"].map((tag) => ({ tag, resolve: (s: string) => ({ [tag]: s }) })),
  });
  return doc.toJS();
}

const FunctionSchema = z.object({
  Type: z.literal("AWS::Serverless::Function"),
  Properties: z.object({
    CodeUri: z.literal("../../dist/lambda/edgefleet-origin-lambda.zip"),
    Handler: z.enum(["index.handler", "index.streamingHandler"]),
    Runtime: z.string().regex(/^nodejs(2[2-9]|[3-9]\d)\.x$/),
    Architectures: z.tuple([z.literal("x86_64")]),
    MemorySize: z.number().int().min(128).max(10240),
    Timeout: z.number().int().min(1).max(900),
    ReservedConcurrentExecutions: z.union([z.number().int().positive(), z.object({ "!Ref": z.string() })]),
    Environment: z.object({ Variables: z.object({ EDGEFLEET_ORIGIN_CONFIG: z.object({ "!Sub": z.string() }) }) }),
    FunctionUrlConfig: z.object({ AuthType: z.literal("AWS_IAM"), InvokeMode: z.literal("RESPONSE_STREAM") }),
  }),
});

const TemplateSchema = z.object({
  AWSTemplateFormatVersion: z.literal("2010-09-09"),
  Transform: z.literal("AWS::Serverless-2016-10-31"),
  Parameters: z.record(z.string(), z.object({ Type: z.string() }).loose()),
  Resources: z.object({ OriginFunction: FunctionSchema }).loose(),
});

describe("deploy/lambda/template.yaml", () => {
  const template = TemplateSchema.parse(readTemplate("deploy/lambda/template.yaml"));
  const fn = template.Resources.OriginFunction.Properties;

  it("declares every parameter it references", () => {
    const refs = [...JSON.stringify(template).matchAll(/\$\{(\w+)\}|"!Ref":"(\w+)"/g)].map((m) => m[1] ?? m[2]);
    const known = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources)]);
    expect(refs.filter((r) => r !== undefined && !known.has(r.replace(/\..*$/, "")))).toEqual([]);
  });

  it("gives the function a valid origin config naming the models packaged in the zip", () => {
    const config = OriginConfigSchema.parse(
      JSON.parse(fn.Environment.Variables.EDGEFLEET_ORIGIN_CONFIG["!Sub"].replace("${Region}", "us-east-1")),
    );
    expect(config.data_dir).toBe(LAMBDA_MODELS_DIR);
    expect(config.manifests.every((m) => m.startsWith(`${LAMBDA_MODELS_DIR}/manifests/`))).toBe(true);
    expect(config.manifests.length).toBeGreaterThan(0);
  });

  it("streams through the handler that writes Lambda's response stream", () => {
    expect(fn.Handler).toBe("index.streamingHandler");
    expect(fn.FunctionUrlConfig.InvokeMode).toBe("RESPONSE_STREAM");
  });
});

describe("deploy/origin/Dockerfile", () => {
  const text = readFileSync("deploy/origin/Dockerfile", "utf8");
  const stages = text.split(/^FROM /m).slice(1);
  const final = (name: string) => stages.find((s) => new RegExp(`^\\S+ AS ${name}\\b`).test(s)) ?? "";

  it("pins every base image to an exact version tag", () => {
    const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    for (const from of [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1] ?? "")) {
      const image = from.replace(/^\$\{(\w+)\}$/, (_, a: string) => args[a] ?? "");
      expect(image).toMatch(/^[\w./-]+:\d+\.\d+\.\d+[\w.-]*$|^(build|prod-deps|prod-deps-cuda|node)$/);
    }
  });

  it.each(["cpu", "cuda"])("the %s target runs the bundled origin as a non-root user with a readiness check", (t) => {
    const stage = final(t);
    expect(stage).toMatch(/^USER 10001:10001$/m);
    expect(stage).toContain("/readyz");
    expect(stage).toMatch(/^ENTRYPOINT \["node", "dist\/origin\/edgefleet-origin.mjs"\]$/m);
  });

  it("builds the CPU image by default (the last stage) and the CUDA one with the CUDA provider", () => {
    expect(stages.at(-1)).toMatch(/^\S+ AS cpu\b/);
    expect(text).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });
});
