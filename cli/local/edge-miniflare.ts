/**
 * @module
 * Runs the edge Worker in workerd through Miniflare's Node API, with its R2 bucket, KV and
 * catalog Durable Object, on a loopback port. Used by `edgefleet dev`, tests and benches.
 * Modules are listed explicitly: ort's bundle contains a dynamic import() that Miniflare's
 * module walker refuses when given only a script path.
 */
import { Miniflare } from "miniflare";
import { createWriteStream, mkdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { Readable } from "node:stream";
import { buildEdgeBundle, type EdgeBundle } from "./edge-bundle.ts";

export interface EdgeOptions {
  pop: string;
  adminToken: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Directory for R2/DO/KV state, kept across restarts; in memory when absent. */
  persistDir?: string;
  vars?: Record<string, string>;
  bundle?: EdgeBundle;
  /** Print the Worker's console output. */
  verbose?: boolean;
  /** Append the Worker's console output (its JSON log lines) to this file instead. */
  logFile?: string;
  /** Open the V8 inspector on this port (Chrome DevTools, CPU profiles of the Worker). */
  inspectorPort?: number;
}

export interface RunningEdge {
  pop: string;
  url: string;
  mf: Miniflare;
  close(): Promise<void>;
}

export const COMPATIBILITY_DATE = "2026-04-20";

export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  const bundle = options.bundle ?? (await buildEdgeBundle());
  const persist = options.persistDir;
  const mf = new Miniflare({
    host: options.host ?? "127.0.0.1",
    // Miniflare's own entry socket (for dispatchFetch and its loopback services) on any free port:
    // clients get the Worker's direct socket below.
    port: 0,
    ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    ...(persist
      ? { r2Persist: `${persist}/r2`, kvPersist: `${persist}/kv`, durableObjectsPersist: `${persist}/do` }
      : {}),
    workers: [
      {
        name: `edge-${options.pop}`,
        modulesRoot: bundle.dir,
        modules: [
          { type: "ESModule", path: bundle.script },
          { type: "CompiledWasm", path: bundle.wasm },
        ],
        compatibilityDate: COMPATIBILITY_DATE,
        // Clients reach the Worker on its own workerd socket, not through Miniflare's entry Worker:
        // as on Cloudflare, where nothing sits between the client and the edge Worker. The entry
        // hop cost ~0.1–0.2 ms of workerd CPU per request (docs/hotpath.md).
        unsafeDirectSockets: [{ host: options.host ?? "127.0.0.1", port: options.port ?? 0 }],
        r2Buckets: { MODELS: `models-${options.pop}` },
        kvNamespaces: { CONFIG: `config-${options.pop}` },
        durableObjects: {
          CATALOG: { className: "ModelCatalogDO", useSQLite: true },
          SEMCACHE: { className: "SemanticCacheDO", useSQLite: true },
          RATELIMIT: { className: "RateLimiterDO", useSQLite: true },
        },
        // AUTH=off: this harness runs local development (`edgefleet dev`), tests and benches; pass
        // `vars: { AUTH: "on" }` to run it as staging and production do.
        bindings: {
          POP_ID: options.pop,
          ADMIN_TOKEN: options.adminToken,
          LOG_LEVEL: "warn",
          AUTH: "off",
          ...options.vars,
        },
      },
    ],
    ...(options.verbose
      ? {}
      : {
          handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
            const file = options.logFile;
            if (file === undefined) {
              return;
            }
            mkdirSync(dirname(file), { recursive: true });
            const sink = createWriteStream(file, { flags: "a" });
            stdout.pipe(sink, { end: false });
            stderr.pipe(sink, { end: false });
          },
        }),
  });
  await mf.ready;
  const url = (await mf.unsafeGetDirectURL(`edge-${options.pop}`)).toString().replace(/\/$/, "");
  return {
    pop: options.pop,
    url,
    mf,
    close: () => mf.dispose(),
  };
}

/** The wasm module's name as the bundle imports it. */
export function wasmModuleName(bundle: EdgeBundle): string {
  return basename(bundle.wasm);
}
