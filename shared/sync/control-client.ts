/**
 * @module
 * HTTP client of the control plane, for edges (feed, report) and the operator CLI
 * (rollout, promote, rollback, status, experiments). Every answer is parsed with the protocol's schemas:
 * the control plane is trusted for what it asks for, not for the shape of its bytes.
 */
import type { z } from "zod";
import type { ControlApi } from "./agent.ts";
import {
  type Feed,
  FeedSchema,
  type ModelRollout,
  ModelRolloutSchema,
  type PopReport,
  type RolloutRequest,
  type Status,
  StatusSchema,
} from "./protocol.ts";
import {
  type ExperimentStart,
  type ExperimentStatus,
  ExperimentListSchema,
  ExperimentStatusSchema,
  type ExperimentStop,
} from "./experiment-api.ts";

export type Fetcher = (input: Request) => Promise<Response>;

export class ControlError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ControlError";
    this.status = status;
    this.code = code;
  }
}

export class ControlClient implements ControlApi {
  private readonly base: string;
  private readonly token: string | undefined;
  private readonly fetcher: Fetcher;

  constructor(base: string, token: string | undefined, fetcher: Fetcher = (r) => fetch(r)) {
    this.base = base.replace(/\/$/, "");
    this.token = token;
    this.fetcher = fetcher;
  }

  feed(pop: string, since: number, waitMs: number): Promise<Feed> {
    const q = new URLSearchParams({ pop, since: String(since), wait: String(waitMs) });
    return this.call("GET", `/v1/sync/feed?${q}`, undefined, FeedSchema);
  }

  async report(report: PopReport): Promise<void> {
    await this.call("POST", "/v1/sync/report", report, undefined);
  }

  rollout(request: RolloutRequest): Promise<ModelRollout> {
    return this.call("POST", "/v1/rollouts", request, ModelRolloutSchema);
  }

  promote(model: string): Promise<ModelRollout> {
    return this.call("POST", "/v1/rollouts/promote", { model }, ModelRolloutSchema);
  }

  rollback(model: string): Promise<ModelRollout> {
    return this.call("POST", "/v1/rollouts/rollback", { model }, ModelRolloutSchema);
  }

  status(): Promise<Status> {
    return this.call("GET", "/v1/status", undefined, StatusSchema);
  }

  startExperiment(request: ExperimentStart): Promise<ExperimentStatus> {
    return this.call("POST", "/v1/experiments", request, ExperimentStatusSchema);
  }

  experiment(id: string): Promise<ExperimentStatus> {
    return this.call("GET", `/v1/experiments/${encodeURIComponent(id)}`, undefined, ExperimentStatusSchema);
  }

  async experiments(): Promise<ExperimentStatus[]> {
    return (await this.call("GET", "/v1/experiments", undefined, ExperimentListSchema)).experiments;
  }

  stopExperiment(id: string, stop: ExperimentStop = {}): Promise<ExperimentStatus> {
    return this.call("POST", `/v1/experiments/${encodeURIComponent(id)}/stop`, stop, ExperimentStatusSchema);
  }

  private async call<T>(method: string, path: string, body: unknown, schema: z.ZodType<T> | undefined): Promise<T> {
    const headers = new Headers();
    if (this.token) {
      headers.set("authorization", `Bearer ${this.token}`);
    }
    if (body !== undefined) {
      headers.set("content-type", "application/json");
    }
    const res = await this.fetcher(
      new Request(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await res.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      throw new ControlError(res.status, "bad_response", `control plane answered ${res.status} with non-JSON`);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new ControlError(
        res.status,
        typeof err?.code === "string" ? err.code : "http_error",
        typeof err?.message === "string" ? err.message : `control plane answered ${res.status}`,
      );
    }
    return schema ? schema.parse(json) : (undefined as T);
  }
}
