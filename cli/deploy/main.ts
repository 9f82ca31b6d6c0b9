/**
 * @module
 * `npm run deploy:<target> -- …`: one command per deployable, each checking what it needs
 * first (cli/deploy/preflight.ts) and exiting 2 with the full list when something is missing.
 *   edge    --env staging|production   wrangler deploy of deploy/edge/wrangler.<env>.toml (after
 *                                      the dry-run bundle is checked against the 10 MiB limit)
 *   control --env staging|production   wrangler deploy of deploy/control/wrangler.toml --env <env>
 *   lambda  --region <aws-region>      build:lambda, then sam deploy of deploy/lambda/template.yaml
 *   origin  --region <overlay>         kubectl apply -k deploy/origin/k8s/overlays/<overlay>
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { wranglerDryRun } from "../local/edge-bundle.ts";
import { buildLambdaZip } from "./build-lambda.ts";
import { needAnyEnv, needEnv, needNoPlaceholders, needTool, type Preflight } from "./preflight.ts";

const WORKER_LIMIT_BYTES = 10 * 2 ** 20;
const OVERLAYS = "deploy/origin/k8s/overlays";

const ArgsSchema = z.discriminatedUnion("target", [
  z.object({ target: z.literal("edge"), env: z.enum(["staging", "production"]) }),
  z.object({ target: z.literal("control"), env: z.enum(["staging", "production"]) }),
  z.object({ target: z.literal("lambda"), region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region") }),
  z.object({ target: z.literal("origin"), region: z.string().regex(/^[a-z0-9-]+$/) }),
]);
type Args = z.infer<typeof ArgsSchema>;

function run(cmd: string, args: string[]): void {
  console.log(`$ ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { stdio: "inherit" });
}

function wrangler(): string {
  return join(process.cwd(), "node_modules", ".bin", "wrangler");
}

function preflight(a: Args): Preflight {
  const p: Preflight = { missing: [] };
  const cloudflare = () =>
    needEnv(
      p,
      ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID"],
      "a Cloudflare API token with Workers, R2 and KV edit",
    );
  switch (a.target) {
    case "edge":
      cloudflare();
      needNoPlaceholders(p, `deploy/edge/wrangler.${a.env}.toml`);
      break;
    case "control":
      cloudflare();
      needNoPlaceholders(p, "deploy/control/wrangler.toml");
      break;
    case "lambda":
      needAnyEnv(
        p,
        [["AWS_PROFILE"], ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]],
        "AWS credentials for CloudFormation",
      );
      needTool(p, "sam", "the AWS SAM CLI: https://docs.aws.amazon.com/serverless-application-model/");
      break;
    case "origin": {
      const regions = readdirSync(OVERLAYS);
      if (!regions.includes(a.region)) {
        p.missing.push(`an overlay ${OVERLAYS}/${a.region} (there are: ${regions.join(", ")})`);
      }
      if (needTool(p, "kubectl", "https://kubernetes.io/docs/tasks/tools/")) {
        try {
          execFileSync("kubectl", ["get", "crd", "scaledobjects.keda.sh"], { stdio: "ignore" });
        } catch {
          p.missing.push(
            "a reachable cluster in the current kubectl context with KEDA installed (crd scaledobjects.keda.sh)",
          );
        }
      }
      break;
    }
  }
  return p;
}

async function checkedWorkerBundle(config: string, extra: string[] = []): Promise<void> {
  const dir = join("dist", "deploy-check", config.replaceAll("/", "_"));
  const files = (await wranglerDryRun(dir, config)).filter((f) => !f.endsWith(".map") && f !== "README.md");
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f))).byteLength, 0);
  console.log(
    `${config}${extra.length ? ` ${extra.join(" ")}` : ""}: ${(gz / 2 ** 20).toFixed(2)} MiB gzip (limit 10 MiB)`,
  );
  if (gz >= WORKER_LIMIT_BYTES) {
    throw new Error(`${config} bundles to ${gz} bytes gzip, over Workers' 10 MiB limit: not deploying.`);
  }
}

async function deploy(a: Args): Promise<void> {
  switch (a.target) {
    case "edge": {
      const config = `deploy/edge/wrangler.${a.env}.toml`;
      await checkedWorkerBundle(config);
      run(wrangler(), ["deploy", "-c", config]);
      break;
    }
    case "control":
      await checkedWorkerBundle("deploy/control/wrangler.toml");
      run(wrangler(), ["deploy", "-c", "deploy/control/wrangler.toml", "--env", a.env]);
      break;
    case "lambda": {
      const artifact = await buildLambdaZip();
      console.log(`${artifact.zip}: ${(artifact.zippedBytes / 1e6).toFixed(1)} MB`);
      const stack = `edgefleet-origin-${a.region}`;
      run("sam", [
        "deploy",
        "--template-file",
        "deploy/lambda/template.yaml",
        "--stack-name",
        stack,
        "--region",
        a.region,
        "--resolve-s3",
        "--capabilities",
        "CAPABILITY_IAM",
        "--no-fail-on-empty-changeset",
        "--parameter-overrides",
        `Region=${a.region}`,
      ]);
      break;
    }
    case "origin":
      run("kubectl", ["apply", "-k", join(OVERLAYS, a.region)]);
      run("kubectl", ["-n", "edgefleet", "rollout", "status", "deployment/edgefleet-origin", "--timeout=10m"]);
      break;
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { env: { type: "string" }, region: { type: "string" } },
});
const parsed = ArgsSchema.safeParse({ target: positionals[0], ...values });
if (!parsed.success) {
  console.error(
    `usage: npm run deploy:edge -- --env staging|production | deploy:control -- --env … | deploy:lambda -- --region <aws-region> | deploy:origin -- --region <overlay>\n` +
      parsed.error.issues.map((i) => `  ${i.path.join(".") || "target"}: ${i.message}`).join("\n"),
  );
  process.exit(2);
}
const check = preflight(parsed.data);
if (check.missing.length > 0) {
  console.error(
    `Not deploying ${parsed.data.target}: nothing was changed. Missing:\n${check.missing.map((m) => `  - ${m}`).join("\n")}`,
  );
  process.exit(2);
}
await deploy(parsed.data);
