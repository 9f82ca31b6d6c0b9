/**
 * The import rules of docs/architecture.md bite: the repository's own `.oxlintrc.json` is run over
 * probe files laid out like the repository, one import in each forbidden direction, and must
 * refuse each of them while leaving the allowed directions alone.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../support/temp-dir.ts";

const run = promisify(execFile);
const OXLINT = join(process.cwd(), "node_modules", ".bin", "oxlint");

/** Lints one probe file with the repository's config; returns the rule messages oxlint printed. */
async function lint(root: string, file: string, source: string): Promise<string> {
  await mkdir(dirname(join(root, file)), { recursive: true });
  await writeFile(join(root, file), `${source}\nexport const probe = 1;\n`);
  try {
    await run(OXLINT, ["-c", join(root, ".oxlintrc.json"), "--deny-warnings", file], { cwd: root });
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout);
  }
}

let root: string;

beforeAll(async () => {
  root = await tempDir("lint-boundaries");
  const config = JSON.parse(await readFile(".oxlintrc.json", "utf8")) as Record<string, unknown>;
  delete config.$schema;
  await writeFile(join(root, ".oxlintrc.json"), JSON.stringify(config));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("import boundaries", () => {
  const refused: Array<[string, string, string]> = [
    ["shared/cache/probe.ts", `import "../../edge/app.ts";`, "shared/ is runtime-neutral"],
    ["shared/probe.ts", `import "../adapters/node/fs-blob-store.ts";`, "shared/ is runtime-neutral"],
    ["shared/tuf/probe.ts", `import { readFile } from "node:fs/promises";\nvoid readFile;`, "Node built-ins"],
    ["shared/probe.ts", `import "onnxruntime-node";`, "a platform package"],
    ["adapters/node/probe.ts", `import "../../edge/deps.ts";`, "adapters/ import only shared/"],
    ["adapters/workerd/probe.ts", `import "../node/ort-node.ts";`, "imports no other runtime's adapter"],
    ["adapters/browser/probe.ts", `import "../workerd/r2-stores.ts";`, "imports no other runtime's adapter"],
    ["edge/routes/probe.ts", `import "../../origin/server.ts";`, "deployables never import each other"],
    ["edge/cache/probe.ts", `import "../../adapters/node/fs-blob-store.ts";`, "Node adapters are for edge/node/"],
    ["edge/app-probe.ts", `import "node:fs";`, "Node built-ins"],
    ["origin/probe.ts", `import "../control/app.ts";`, "deployables never import each other"],
    ["control/dashboard/probe.ts", `import "../../edge/app.ts";`, "deployables never import each other"],
    ["device/fs/probe.ts", `import "../../cli/main.ts";`, "deployables never import each other"],
    ["test/unit/probe.test.ts", `import "../../bench/lib/stats.ts";`, "nothing imports bench/"],
    ["cli/commands/probe.ts", `import "../../bench/gateway.ts";`, "nothing imports bench/"],
  ];
  it.each(refused)("refuses %s: %s", async (file, source, why) => {
    const out = await lint(root, file, source);
    expect(out).toContain("no-restricted-imports");
    expect(out).toContain(why);
  });

  const allowed: Array<[string, string]> = [
    ["edge/routes/ok.ts", `import "../../shared/protocol/predict.ts";\nimport "../../adapters/workerd/kv-records.ts";`],
    ["edge/node/ok.ts", `import "../../adapters/node/fs-blob-store.ts";\nimport "node:net";`],
    ["shared/sync/ok.ts", `import "../registry/model-client.ts";\nimport "../device-update/updater.ts";`],
    ["origin/ok.ts", `import "../adapters/node/ort-node.ts";\nimport "node:http";`],
    ["cli/local/ok.ts", `import "../../edge/node/node-pop.ts";\nimport "../../control/node-server.ts";`],
    ["bench/ok.ts", `import "../test/support/fleet-sim.ts";`],
  ];
  it.each(allowed)("allows %s", async (file, source) => {
    expect(await lint(root, file, source)).not.toContain("no-restricted-imports");
  });
});
