/**
 * Helpers for tests and benches that run origins: model files installed into a data
 * directory, origin server processes started through `edgefleet origin` (real processes,
 * loopback only), and an edge in workerd with an origin table.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { installOriginModels } from "../../cli/local/origin-models.ts";
import { seedEdge } from "../../cli/local/seed-edge.ts";
import type { BuiltModel } from "../../cli/models/build-manifest.ts";
import { defaultModels } from "./native-reference.ts";
import { tempDir } from "./temp-dir.ts";

export interface InstalledModels {
  dataDir: string;
  manifests: string[];
}

/** Installs the named default models (plus any extra built ones) into a fresh data directory. */
export async function installModels(
  ids: readonly string[],
  extra: readonly BuiltModel[] = [],
): Promise<InstalledModels> {
  const dataDir = await tempDir("origin-data");
  const models = [...(await defaultModels()).filter((m) => ids.includes(m.manifest.id)), ...extra];
  return { dataDir, manifests: await installOriginModels(dataDir, models) };
}

export interface OriginProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr(): string;
  waitReady(timeoutMs?: number): Promise<void>;
}

/** Starts `edgefleet origin` with this config (port 0) and resolves once it listens. */
export async function spawnOrigin(config: Record<string, unknown>): Promise<OriginProcess> {
  const path = join(await tempDir("origin-config"), "origin.json");
  await writeFile(path, JSON.stringify({ port: 0, log_level: "error", ...config }));
  const child = spawn(process.execPath, ["cli/bin.mjs", "origin", "--config", path, "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        resolve((JSON.parse(out.slice(0, nl)) as { url: string }).url);
      }
    });
    void exited.then((code) => reject(new Error(`origin exited with ${code}: ${err}`)));
  });
  return {
    url,
    child,
    exited,
    stderr: () => err,
    async waitReady(timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const res = await fetch(`${url}/readyz`).catch(() => undefined);
        if (res?.status === 200) {
          return;
        }
        await res?.body?.cancel();
        // Readiness lives in another process: poll it, briefly.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`origin ${url} not ready in ${timeoutMs} ms: ${err}`);
    },
  };
}

export const TEST_AWS = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "test-secret" };

/** An edge in workerd (the real Worker bundle) routing with this origin table. */
export function startRoutingEdge(pop: string, table: unknown): Promise<RunningEdge> {
  return startEdge({
    pop,
    adminToken: "test-admin",
    vars: { ORIGINS: JSON.stringify(table), LOG_LEVEL: "error", ...TEST_AWS },
  });
}

/** Installs the edge's own embedder (USE-lite), which runs the semantic layer of its cache. */
export async function seedEmbedder(edgeUrl: string, adminToken = "test-admin"): Promise<void> {
  await seedEdge(
    edgeUrl,
    adminToken,
    (await defaultModels()).filter((m) => m.manifest.id === "use-lite"),
  );
}

export function postJson(
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
