/**
 * @module
 * One interface for everything an origin can answer with: models run in-process with
 * onnxruntime-node, and OpenAI-compatible upstream inference servers (vLLM, TGI, llama.cpp
 * server, Ollama) that real GPU clusters run for large language models.
 */
import { ALL_TENANTS } from "../../shared/protocol/headers.ts";
import type { ChatRequest } from "../../shared/protocol/chat.ts";
import type { PredictRequest, PredictResponse } from "../../shared/protocol/predict.ts";

/** What every call gets: cancellation at the deadline (or when the client goes away), and the trace id. */
export interface CallContext {
  signal: AbortSignal;
  requestId: string;
}

export interface ModelEntry {
  id: string;
  version: string;
  task: string;
  backend: string;
  /** The tenants the model is private to (its manifest's `private_to`); absent: every tenant's. */
  private_to?: readonly string[];
}

export interface PredictResult {
  body: PredictResponse;
  /** Time spent in the model call, for `server-timing`. */
  inferMs: number;
}

export interface Backend {
  readonly name: string;
  /** The models this backend answers for. */
  models(): Promise<ModelEntry[]>;
  /** Loads, warms or probes everything it serves; resolves when it can answer. */
  prepare(): Promise<void>;
  /** True once `prepare` has succeeded. */
  ready(): boolean;
  predict?(request: PredictRequest, ctx: CallContext): Promise<PredictResult>;
  /** Answers a chat completion; a streamed answer's body is SSE. */
  chat?(request: ChatRequest, ctx: CallContext): Promise<Response>;
}

/**
 * Whether a caller sees a model: a public one always; a private one only for its tenants and
 * operators (`*`). The tenant is the one the edge authenticated (`x-edgefleet-tenant`); without
 * it no private model is seen.
 */
export function visibleTo(entry: ModelEntry, tenant: string | undefined): boolean {
  const owners = entry.private_to;
  return owners === undefined || tenant === ALL_TENANTS || (tenant !== undefined && owners.includes(tenant));
}
