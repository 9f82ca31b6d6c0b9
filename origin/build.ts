/**
 * @module
 * Builds an origin's deps from its configuration: the in-process ONNX backend (models from
 * manifests and a blob directory, onnxruntime-node, batching) and one backend per upstream.
 * Shared by the Node server and the Lambda entry.
 */
import { readFile } from "node:fs/promises";
import { ModelEngine } from "../shared/engine/model-engine.ts";
import type { Logger } from "../shared/log.ts";
import { ModelManifestSchema, servesRequests } from "../shared/manifest/model-manifest.ts";
import { MemoryModelCatalog } from "../shared/storage/memory-model-catalog.ts";
import type { Backend } from "./backends/backend.ts";
import { OnnxBackend } from "./backends/onnx-backend.ts";
import { OpenAIUpstreamBackend } from "./backends/openai-upstream.ts";
import type { OriginConfig } from "./config.ts";
import type { OriginDeps } from "./deps.ts";
import { LoadTracker } from "./load/load-tracker.ts";
import { OriginMetrics } from "./metrics/origin-metrics.ts";
import { ortNodeRuntime } from "../adapters/node/ort-node.ts";
import { FsBlobStore } from "../adapters/node/fs-blob-store.ts";
import { isReady } from "./deps.ts";

export async function buildOriginDeps(
  config: OriginConfig,
  log: Logger,
  servedBy = `origin/${config.region}`,
): Promise<OriginDeps> {
  const load = new LoadTracker();
  const backends: Backend[] = [];
  const lifecycle = { draining: false };
  let deps: OriginDeps | undefined;
  const metrics = new OriginMetrics(load, () => (deps ? isReady(deps) : false));
  if (config.manifests.length > 0) {
    const manifests = await Promise.all(
      config.manifests.map(async (path) => {
        const manifest = ModelManifestSchema.parse(JSON.parse(await readFile(path, "utf8")));
        if (!servesRequests(manifest)) {
          throw new Error(`${path} is a cache scorer: it is rolled out to edges, not served by an origin`);
        }
        return manifest;
      }),
    );
    const blobs = new FsBlobStore(config.data_dir);
    backends.push(
      new OnnxBackend({
        catalog: new MemoryModelCatalog(manifests),
        engine: new ModelEngine({
          runtime: ortNodeRuntime({ ...(config.threads > 0 ? { threads: config.threads } : {}), cuda: config.cuda }),
          blobs,
          budgetBytes: config.memory_budget_mb * 2 ** 20,
          log,
        }),
        batching: { maxBatch: config.batching.max_batch, maxWaitMs: config.batching.max_wait_ms },
        load,
        onBatch: (model, n) => metrics.batchSize.observe({ model }, n),
      }),
    );
  }
  for (const upstream of config.upstreams) {
    backends.push(new OpenAIUpstreamBackend(upstream, (outcome) => metrics.streams.inc({ outcome })));
  }
  deps = { servedBy, backends, load, metrics, log, maxBodyBytes: config.max_body_bytes, lifecycle };
  return deps;
}

/** Prepares every backend (load + warm models, probe upstreams), retrying an upstream until it answers. */
export async function prepareBackends(deps: OriginDeps, retryMs = 2000): Promise<void> {
  await Promise.all(
    deps.backends.map(async (backend) => {
      for (;;) {
        try {
          await backend.prepare();
          deps.log.log("info", "origin.backend_ready", { backend: backend.name });
          return;
        } catch (error) {
          deps.log.log("warn", "origin.backend_not_ready", {
            backend: backend.name,
            error: error instanceof Error ? error.message : String(error),
          });
          if (deps.lifecycle.draining) {
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, retryMs));
        }
      }
    }),
  );
}
