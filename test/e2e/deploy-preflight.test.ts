// The deploy commands on a machine with no cloud account: each exits 2 before building or
// deploying anything and names every missing credential, tool and placeholder at once.
// (They cannot deploy here; this proves they fail cleanly instead of half-deploying.)
import { execFile } from "node:child_process";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const exec = promisify(execFile);

/** PATH holds only node: no sam, kubectl or wrangler login leaks in from the host. */
async function deploy(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await exec(process.execPath, ["--import", "tsx", "cli/deploy/main.ts", ...args], {
      env: { PATH: dirname(process.execPath), HOME: "/nonexistent", NO_COLOR: "1", ...env },
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("deploy commands without credentials", () => {
  it("edge: names the Cloudflare token and the KV id still to fill in, and runs nothing", async () => {
    const r = await deploy(["edge", "--env", "production"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("nothing was changed");
    expect(r.out).toContain("CLOUDFLARE_API_TOKEN");
    expect(r.out).toContain("REPLACE_WITH_PRODUCTION_KV_NAMESPACE_ID");
    expect(r.out).not.toContain("$ ");
  });

  it("lambda: with AWS keys but no SAM CLI, stops before building the zip", async () => {
    const r = await deploy(["lambda", "--region", "us-east-1"], {
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example",
    });
    expect(r.code).toBe(2);
    expect(r.out).toContain("sam on PATH");
    expect(r.out).not.toContain("AWS_PROFILE");
    expect(r.out).not.toContain("edgefleet-origin-lambda.zip");
  });

  it("origin: an unknown region lists the overlays there are; kubectl is required", async () => {
    const r = await deploy(["origin", "--region", "mars"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("there are: ap-southeast, eu-west, us-east");
    expect(r.out).toContain("kubectl on PATH");
  });

  it("rejects an unknown environment with the usage line", async () => {
    const r = await deploy(["control", "--env", "prod"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("usage: npm run deploy:edge");
    expect(r.out).toContain('expected one of "staging"|"production"');
  });
});
