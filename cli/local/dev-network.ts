/**
 * @module
 * The whole edgefleet network on loopback, as `edgefleet dev` (`npm start`) runs it: a
 * control plane (Node) with a fresh signed registry holding the default models, two origin
 * regions (Node, onnxruntime-node) and two edge PoPs (the real Worker bundle in workerd). The
 * models reach the PoPs the real way: rolled out through the control plane, pulled and
 * verified by each PoP's sync agent, pre-warmed, reported ready. A sync round every two
 * seconds (what the cron trigger does in production) keeps reports, and so the dashboard,
 * live.
 *
 * Port layout from a base port P: pop-a P, pop-b P+1, control plane P+2, origin us-east P+3,
 * origin eu-west P+4. Base 0 picks a free port for each.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { OriginConfigSchema } from "../../origin/config.ts";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { type RunningOrigin, startOrigin } from "../../origin/server.ts";
import { ControlClient } from "../../shared/sync/control-client.ts";
import type { z } from "zod";
import type { OriginTableSchema } from "../../edge/router/origin-table.ts";
import { buildManifest, type BuiltModel } from "../models/build-manifest.ts";
import { defaultModelSources } from "../models/default-models.ts";
import { createDevRegistry } from "./dev-registry.ts";
import { buildEdgeBundle, type EdgeBundle } from "./edge-bundle.ts";
import { type RunningEdge, startEdge } from "./edge-miniflare.ts";
import { fileLogger } from "./file-logger.ts";
import { installOriginModels } from "./origin-models.ts";
import { assertPortFree } from "./port-check.ts";

type OriginTableInput = z.input<typeof OriginTableSchema>;

export const POPS = ["pop-a", "pop-b"] as const;
export const REGIONS = ["us-east", "eu-west"] as const;
/** Served by the origins first (the PoPs keep a local copy as the fallback), so requests cross edge → origin. */
export const ORIGIN_MODEL = "silero-vad";

export interface DevPorts {
  pops: [number, number];
  control: number;
  origins: [number, number];
}

export function portLayout(base: number): DevPorts {
  const at = (n: number) => (base === 0 ? 0 : base + n);
  return { pops: [at(0), at(1)], control: at(2), origins: [at(3), at(4)] };
}

export interface DevNetworkOptions {
  host: string;
  ports: DevPorts;
  stateDir: string;
  adminToken?: string;
  operatorToken?: string;
  /** How often each PoP runs a sync round (and reports). */
  syncEveryMs?: number;
  onProgress?: (message: string) => void;
}

export interface DevNetwork {
  pops: { pop: string; url: string }[];
  origins: { region: string; url: string; log: string }[];
  control: { url: string; dashboard: string; metrics: string };
  models: string[];
  adminToken: string;
  operatorToken: string;
  keysDir: string;
  registryDir: string;
  readyMs: number;
  close(): Promise<void>;
}

export async function startDevNetwork(o: DevNetworkOptions): Promise<DevNetwork> {
  const started = performance.now();
  const progress = o.onProgress ?? (() => undefined);
  // Each step with the time since the start, so a slow start shows where it spent its time.
  const say = (m: string) => progress(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${m}`);
  const stateDir = resolve(o.stateDir);
  await assertPortsFree(o);
  const adminToken = o.adminToken ?? randomBytes(16).toString("hex");
  const operatorToken = o.operatorToken ?? randomBytes(16).toString("hex");
  const edgeToken = randomBytes(16).toString("hex");

  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).toReversed()) {
      await c().catch(() => undefined);
    }
  };
  try {
    // Only the folders this network writes: `--state` may point somewhere that holds other things.
    await Promise.all(
      ["control", "logs", ...REGIONS.map((r) => `origin-${r}`)].map((d) =>
        rm(join(stateDir, d), { recursive: true, force: true }),
      ),
    );
    say("Publishing the default models into a fresh signed registry…");
    // Its own output folder, so a test or bench building the default bundle at the same time never races it.
    const bundle = buildEdgeBundle("dist/edge-dev");
    const models = await Promise.all(defaultModelSources().map((s) => buildManifest(s)));
    const registry = await createDevRegistry(stateDir, models);
    const control = await startControlPlane({
      registryDir: registry.dir,
      stateDir: join(stateDir, "control"),
      host: o.host,
      port: o.ports.control,
      operatorToken,
      edgeToken,
    });
    closers.push(() => control.close());

    say("Starting origins us-east and eu-west (onnxruntime-node)…");
    const origins = await Promise.all(REGIONS.map((region, i) => startDevOrigin(region, o, i, stateDir, models)));
    for (const origin of origins) {
      closers.push(() => origin.running.shutdown());
    }

    say("Starting edges pop-a and pop-b (workerd)…");
    const originVersion = models.find((m) => m.manifest.id === ORIGIN_MODEL)?.manifest.version ?? "0.0.0";
    const edges = await startDevEdges(o, stateDir, await bundle, {
      adminToken,
      edgeToken,
      controlUrl: control.url,
      trustedRoot: registry.root,
      originTables: POPS.map((_, i) => originTable(origins, i, originVersion)),
    });
    for (const edge of edges) {
      closers.push(() => edge.close());
    }

    say("Rolling the models out through the control plane; the PoPs pull, verify and warm them…");
    await rollOutEverywhere(control, operatorToken, models, edges, adminToken);
    await Promise.all(origins.map((x) => x.running.prepared));
    const loop = syncLoop(edges, adminToken, o.syncEveryMs ?? 2000);
    closers.push(loop.stop); // stopped first: closers run in reverse

    return {
      pops: edges.map((e) => ({ pop: e.pop, url: e.url })),
      origins: origins.map((x) => ({ region: x.region, url: x.running.url, log: x.log })),
      control: {
        url: control.url,
        dashboard: `${control.url}/dashboard?token=${operatorToken}`,
        metrics: `${control.url}/metrics`,
      },
      models: models.map((m) => `${m.manifest.id}@${m.manifest.version}`),
      adminToken,
      operatorToken,
      keysDir: registry.keysDir,
      registryDir: registry.dir,
      readyMs: Math.round(performance.now() - started),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Every port the network will listen on is free, or it says which one is taken (and by what it would be). */
async function assertPortsFree(o: DevNetworkOptions): Promise<void> {
  const named: [number, string][] = [
    ...o.ports.pops.map((p, i): [number, string] => [p, `edge ${POPS[i]}`]),
    [o.ports.control, "control plane"],
    ...o.ports.origins.map((p, i): [number, string] => [p, `origin ${REGIONS[i]}`]),
  ];
  for (const [port, what] of named) {
    await assertPortFree(port, o.host, what);
  }
}

/** Starts one workerd edge per PoP, each preferring "its" region's origin and failing over to the other. */
function startDevEdges(
  o: DevNetworkOptions,
  stateDir: string,
  bundle: EdgeBundle,
  shared: {
    adminToken: string;
    edgeToken: string;
    controlUrl: string;
    trustedRoot: string;
    originTables: OriginTableInput[];
  },
): Promise<RunningEdge[]> {
  return Promise.all(
    POPS.map((pop, i) =>
      startEdge({
        pop,
        adminToken: shared.adminToken,
        host: o.host,
        port: o.ports.pops[i] ?? 0,
        bundle,
        logFile: join(stateDir, "logs", `edge-${pop}.log`),
        vars: {
          LOG_LEVEL: "info",
          CONTROL_URL: shared.controlUrl,
          CONTROL_TOKEN: shared.edgeToken,
          TRUSTED_ROOT: shared.trustedRoot,
          ORIGINS: JSON.stringify(shared.originTables[i]),
        },
      }),
    ),
  );
}

/** Rolls every model out as stable and waits until each edge has pulled, verified and warmed it. */
async function rollOutEverywhere(
  control: RunningControlPlane,
  operatorToken: string,
  models: readonly BuiltModel[],
  edges: readonly RunningEdge[],
  adminToken: string,
): Promise<void> {
  const operator = new ControlClient(control.url, operatorToken);
  for (const { manifest } of models) {
    await operator.rollout({ model: manifest.id, version: manifest.version, channel: "stable" });
  }
  await Promise.all(edges.map((e) => syncUntilServing(e, adminToken, models, control)));
}

interface DevOrigin {
  region: string;
  running: RunningOrigin;
  log: string;
}

async function startDevOrigin(
  region: string,
  o: DevNetworkOptions,
  i: number,
  stateDir: string,
  models: readonly BuiltModel[],
): Promise<DevOrigin> {
  const dataDir = join(stateDir, `origin-${region}`);
  const served = models.filter((m) => m.manifest.id === ORIGIN_MODEL);
  const config = OriginConfigSchema.parse({
    region,
    host: o.host,
    port: o.ports.origins[i] ?? 0,
    data_dir: dataDir,
    manifests: await installOriginModels(dataDir, served),
    threads: 1,
    drain_timeout_ms: 2000,
  });
  const log = join(stateDir, "logs", `origin-${region}.log`);
  const running = await startOrigin(config, fileLogger(log, { service: "origin", region }));
  return { region, running, log };
}

function originTable(origins: readonly DevOrigin[], preferred: number, version: string): OriginTableInput {
  return {
    origins: origins.map((x, i) => ({
      id: x.region,
      region: x.region,
      kind: "http",
      endpoint: x.running.url,
      priority: i === preferred ? 0 : 1,
      models: [ORIGIN_MODEL],
    })),
    origin_first: [ORIGIN_MODEL],
    model_versions: { [ORIGIN_MODEL]: version },
  };
}

/** Sync rounds on one PoP until it serves every model (bounded: a PoP that cannot is an error). */
async function syncUntilServing(
  edge: RunningEdge,
  adminToken: string,
  models: readonly BuiltModel[],
  control: RunningControlPlane,
): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = "";
  while (Date.now() < deadline) {
    const res = await syncRound(edge, adminToken);
    last = res;
    const pop = (await control.coordinator.status()).pops.find((p) => p.pop === edge.pop);
    const serving = models.every((m) =>
      pop?.models.some((x) => x.model === m.manifest.id && x.served === m.manifest.version && x.state === "serving"),
    );
    if (serving) {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${edge.pop} did not serve every model within 180 s (last sync round: ${last})`);
}

async function syncRound(edge: RunningEdge, adminToken: string): Promise<string> {
  const res = await fetch(`${edge.url}/admin/sync`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}` },
  });
  return `${res.status} ${await res.text()}`;
}

/** A sync round on every PoP every `everyMs` until stopped: what the cron trigger does in production. */
function syncLoop(edges: readonly RunningEdge[], adminToken: string, everyMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let round: Promise<unknown> = Promise.resolve();
  const tick = () => {
    round = Promise.all(edges.map((e) => syncRound(e, adminToken).catch(() => "")));
    void round.then(() => {
      if (!stopped) {
        timer = setTimeout(tick, everyMs);
      }
    });
  };
  timer = setTimeout(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
