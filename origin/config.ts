/**
 * @module
 * The origin's configuration file (JSON), checked with zod before anything starts.
 * See docs/origin.md for a worked example.
 */
import { z } from "zod";
import { UpstreamConfigSchema } from "./backends/openai-upstream.ts";

export const OriginConfigSchema = z
  .object({
    /** Region name: answers say `origin/<region>`. */
    region: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    host: z.string().default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8081),
    /** Content-addressed model files live under `<data_dir>/blobs/sha256/`. */
    data_dir: z.string().min(1),
    /** Manifest files of the models served in-process (their blobs in data_dir). */
    manifests: z.array(z.string().min(1)).default([]),
    /**
     * max_wait_ms 0 (the default): a request runs at once when its model is idle, and requests
     * arriving during a run form the next batch — no added latency at low load. A few ms more
     * fill batches better where runs are short next to the gaps between arrivals (GPUs).
     */
    batching: z
      .object({
        max_batch: z.number().int().min(1).max(1024).default(32),
        max_wait_ms: z.number().min(0).max(1000).default(0),
      })
      .default({ max_batch: 32, max_wait_ms: 0 }),
    /** Intra-op threads per session; 0 lets onnxruntime choose (all cores). */
    threads: z.number().int().min(0).max(256).default(0),
    /** Use the CUDA execution provider (needs a GPU host and onnxruntime-node's CUDA build). */
    cuda: z.boolean().default(false),
    memory_budget_mb: z.number().int().positive().default(4096),
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(8 * 2 ** 20),
    upstreams: z.array(UpstreamConfigSchema).default([]),
    /** Longest a SIGTERM waits for in-flight requests before closing connections. */
    drain_timeout_ms: z.number().int().positive().default(30_000),
    log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .strict();
export type OriginConfig = z.infer<typeof OriginConfigSchema>;
