/**
 * @module
 * Runs the control plane's Worker bundle (deploy/control/wrangler.toml, built as a deploy
 * would) in workerd through Miniflare's Node API: its R2 registry bucket and the SQLite
 * coordinator Durable Object, on a loopback port. Tests use it; with `persistDir` the bucket
 * and the object's storage survive a restart.
 */
import { Miniflare } from "miniflare";
import { join, resolve } from "node:path";
import { COMPATIBILITY_DATE } from "./edge-miniflare.ts";
import { wranglerDryRun } from "./edge-bundle.ts";

export const CONTROL_CONFIG = "deploy/control/wrangler.toml";

export interface ControlWorkerOptions {
  operatorToken: string;
  edgeToken?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Directory for R2 and Durable Object state, kept across restarts; in memory when absent. */
  persistDir?: string;
  /** The bundled script (`index.js`); built from CONTROL_CONFIG when absent. */
  script?: string;
  vars?: Record<string, string>;
  /** Print the Worker's console output. */
  verbose?: boolean;
}

export interface RunningControlWorker {
  url: string;
  mf: Miniflare;
  close(): Promise<void>;
}

const built = new Map<string, Promise<string>>();

/** Bundles the control-plane Worker once per process and output directory; returns its script. */
export function buildControlBundle(outdir = "dist/control"): Promise<string> {
  const dir = resolve(outdir);
  let pending = built.get(dir);
  if (!pending) {
    pending = wranglerDryRun(dir, CONTROL_CONFIG).then((files) => {
      if (!files.includes("index.js")) {
        throw new Error(`wrangler produced no index.js in ${dir}`);
      }
      return join(dir, "index.js");
    });
    built.set(dir, pending);
  }
  return pending;
}

export async function startControlWorker(options: ControlWorkerOptions): Promise<RunningControlWorker> {
  const script = options.script ?? (await buildControlBundle());
  const persist = options.persistDir;
  const mf = new Miniflare({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    ...(persist ? { r2Persist: `${persist}/r2`, durableObjectsPersist: `${persist}/do` } : {}),
    workers: [
      {
        name: "control",
        scriptPath: script,
        modules: true,
        compatibilityDate: COMPATIBILITY_DATE,
        r2Buckets: { REGISTRY: "registry" },
        durableObjects: { COORDINATOR: { className: "ControlCoordinatorDO", useSQLite: true } },
        bindings: {
          OPERATOR_TOKEN: options.operatorToken,
          ...(options.edgeToken === undefined ? {} : { EDGE_TOKEN: options.edgeToken }),
          ...options.vars,
        },
      },
    ],
    ...(options.verbose ? {} : { handleRuntimeStdio: () => undefined }),
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, mf, close: () => mf.dispose() };
}
