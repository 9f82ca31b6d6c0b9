/**
 * @module
 * The local-first client: the same requests and answers as the edge's `POST /v1/predict` and
 * `POST /v1/embeddings`, computed on this device when the model is synced here (WebGPU, or
 * WASM), otherwise sent to the given edge. Every answer says where it was computed
 * (`computed.where`), on which provider and adapter, and why it did not stay local.
 *
 * Bad input is refused locally with the edge's own error (same code, same status) and is not
 * sent on: the edge would refuse it the same way. A version that cannot run on the device
 * (damaged storage, a session that fails on every provider) goes to the edge instead.
 */
import { z } from "zod";
import { DeviceError } from "../../shared/device-update/device-error.ts";
import { ApiError, type ErrorStatus } from "../../shared/errors.ts";
import { EmbeddingsRequestSchema, type EmbeddingsResponse } from "../../shared/protocol/embeddings.ts";
import { SERVED_BY_HEADER } from "../../shared/protocol/headers.ts";
import { PredictRequestSchema, type PredictResponse } from "../../shared/protocol/predict.ts";
import { bytesToBase64 } from "../../shared/base64.ts";
import { requestTexts } from "../../shared/tasks/embeddings.ts";
import { parseOrThrow } from "../../shared/tasks/request-validation.ts";
import type { Fetch } from "../../shared/tuf/download.ts";
import type { BrowserDevice, BrowserRunResult } from "./browser-device.ts";

/** `local-first` (default), or force one side (the `/device` page compares both). */
export type Placement = "local-first" | "local" | "edge";

export interface Computed {
  where: "local" | "edge";
  /** The execution provider that ran (`webgpu`, `wasm`, or the edge's `wasm`/`cpu`…). */
  provider: string | null;
  /** The WebGPU adapter, when WebGPU ran locally. */
  adapter: string | null;
  /** The edge's `x-edgefleet-served-by`, when the edge answered. */
  served_by: string | null;
  /** Wall time of the call as the caller saw it. */
  ms: number;
  /** Why the answer was not computed locally (not synced, cannot run here), or why WebGPU was not used. */
  reason: string | null;
}

export type LocalFirstPredict = PredictResponse & { computed: Computed };
export type LocalFirstEmbeddings = EmbeddingsResponse & { computed: Computed };

/** What a caller sends: the edge's request bodies before defaults are filled in. */
export type PredictBody = z.input<typeof PredictRequestSchema>;
export type EmbeddingsBody = z.input<typeof EmbeddingsRequestSchema>;

export interface LocalFirstOptions {
  device: BrowserDevice;
  /** The nearest edge's base URL (`https://edge.example`). */
  edgeUrl: string;
  apiKey?: string;
  fetch?: Fetch;
}

const EdgeErrorSchema = z.object({ error: z.object({ message: z.string(), code: z.string() }) });
const PredictResponseSchema = z.object({
  model: z.string(),
  version: z.string(),
  output: z.unknown(),
  usage: z.record(z.string(), z.number()),
  provider: z.string(),
});
const EmbeddingsResponseSchema = z.object({
  object: z.literal("list"),
  data: z.array(
    z.object({
      object: z.literal("embedding"),
      index: z.number(),
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number(), total_tokens: z.number() }),
});
const LocalEmbeddingsSchema = z.object({ embeddings: z.array(z.array(z.number())) });

/** A local failure that the edge may not have: the device's copy cannot run, the model is not here. */
function cannotRunHere(error: unknown): boolean {
  return DeviceError.is(error) || (ApiError.is(error) && error.status >= 500);
}

export class LocalFirstClient {
  private readonly options: LocalFirstOptions;

  constructor(options: LocalFirstOptions) {
    this.options = options;
  }

  async predict(request: PredictBody, placement: Placement = "local-first"): Promise<LocalFirstPredict> {
    const body = parseOrThrow(PredictRequestSchema, request, "body");
    return this.place(
      body.model,
      placement,
      async (started) => {
        const answer = await this.options.device.run(body.model, body.input, body.parameters);
        const { device: _device, runtime: _runtime, ms: _ms, ...response } = answer;
        return { ...response, computed: local(answer, started) };
      },
      async (started) => {
        const { json, servedBy } = await this.edge("/v1/predict", body);
        const response = parseEdge(PredictResponseSchema, json);
        return { ...response, computed: edge(response.provider, servedBy, started) };
      },
    );
  }

  async embeddings(request: EmbeddingsBody, placement: Placement = "local-first"): Promise<LocalFirstEmbeddings> {
    const body = parseOrThrow(EmbeddingsRequestSchema, request, "body");
    return this.place(
      body.model,
      placement,
      async (started) => {
        const answer = await this.options.device.run(body.model, { text: requestTexts(body.input) });
        const { embeddings } = parseEdge(LocalEmbeddingsSchema, answer.output);
        const response: EmbeddingsResponse = {
          object: "list",
          data: embeddings.map((e, index) => ({
            object: "embedding",
            index,
            embedding: body.encoding_format === "base64" ? bytesToBase64(floatBytes(e)) : e,
          })),
          model: answer.model,
          usage: { prompt_tokens: answer.usage.prompt_tokens ?? 0, total_tokens: answer.usage.total_tokens ?? 0 },
        };
        return { ...response, computed: local(answer, started) };
      },
      async (started) => {
        const { json, servedBy, provider } = await this.edge("/v1/embeddings", body);
        return { ...parseEdge(EmbeddingsResponseSchema, json), computed: edge(provider, servedBy, started) };
      },
    );
  }

  private async place<T extends { computed: Computed }>(
    model: string,
    placement: Placement,
    onDevice: (started: number) => Promise<T>,
    onEdge: (started: number) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    if (placement === "edge") {
      return onEdge(started);
    }
    const synced = await this.options.device.has(model);
    if (!synced && placement === "local") {
      throw new ApiError(404, "model_not_synced", `Model ${model} is not synced on this device.`, { param: "model" });
    }
    let reason = `${model} is not synced on this device`;
    if (synced) {
      try {
        return await onDevice(started);
      } catch (error) {
        if (placement === "local" || !cannotRunHere(error)) {
          throw error;
        }
        reason = `the device could not run it: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const answer = await onEdge(started);
    return { ...answer, computed: { ...answer.computed, reason } };
  }

  private async edge(
    path: string,
    body: unknown,
  ): Promise<{ json: unknown; servedBy: string | null; provider: string | null }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.options.apiKey) {
      headers.authorization = `Bearer ${this.options.apiKey}`;
    }
    const url = `${this.options.edgeUrl.replace(/\/+$/, "")}${path}`;
    const fetcher = this.options.fetch ?? ((input, init) => fetch(input, init));
    let res: Response;
    try {
      res = await fetcher(url, { method: "POST", headers, body: JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(503, "edge_unreachable", `The edge at ${this.options.edgeUrl} could not be reached.`, {
        cause: error,
      });
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const failure = EdgeErrorSchema.safeParse(json);
      throw new ApiError(
        edgeStatus(res.status),
        failure.success ? failure.data.error.code : "edge_error",
        failure.success ? failure.data.error.message : `The edge answered ${res.status}.`,
      );
    }
    return { json, servedBy: res.headers.get(SERVED_BY_HEADER), provider: res.headers.get("x-edgefleet-provider") };
  }
}

function local(answer: BrowserRunResult, started: number): Computed {
  return {
    where: "local",
    provider: answer.provider,
    adapter: answer.runtime.adapter,
    served_by: null,
    ms: performance.now() - started,
    reason: answer.runtime.why_not_webgpu,
  };
}

function edge(provider: string | null, servedBy: string | null, started: number): Computed {
  return { where: "edge", provider, adapter: null, served_by: servedBy, ms: performance.now() - started, reason: null };
}

function parseEdge<T>(schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(502, "bad_edge_answer", "The edge's answer does not have the expected shape.");
  }
  return parsed.data;
}

const STATUSES = new Set<number>([400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504]);

function edgeStatus(status: number): ErrorStatus {
  return STATUSES.has(status) ? (status as ErrorStatus) : 502;
}

function floatBytes(values: readonly number[]): Uint8Array {
  const f = Float32Array.from(values);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}
