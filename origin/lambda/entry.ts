/**
 * @module
 * The deployable Lambda module: `handler` (buffered) and `streamingHandler` (response
 * streaming). Configuration is the origin's JSON config in `EDGEFLEET_ORIGIN_CONFIG`; model
 * files sit in the package or a mounted volume (`data_dir`). Models load and warm once per
 * execution environment, on its first invocation (the cold start). A Lambda environment
 * handles one request at a time, so batching is off here.
 */
import type { Hono } from "hono";
import { jsonLogger } from "../../shared/log.ts";
import { createOriginApp } from "../app.ts";
import { buildOriginDeps, prepareBackends } from "../build.ts";
import { OriginConfigSchema } from "../config.ts";
import type { OriginEnv } from "../deps.ts";
import { createLambdaHandlers, type ResponseStreamLike } from "./handler.ts";

let app: Promise<Hono<OriginEnv>> | undefined;

async function build(): Promise<Hono<OriginEnv>> {
  const config = OriginConfigSchema.parse(JSON.parse(process.env.EDGEFLEET_ORIGIN_CONFIG ?? "{}"));
  config.batching = { max_batch: 1, max_wait_ms: 0 };
  const log = jsonLogger({ service: "lambda-origin", region: config.region }, config.log_level);
  const deps = await buildOriginDeps(config, log, `lambda/${config.region}`);
  await prepareBackends(deps);
  return createOriginApp(deps);
}

const handlers = createLambdaHandlers(() => (app ??= build()));

export const handler = handlers.handle;

interface LambdaGlobal {
  streamifyResponse?: (fn: (event: unknown, stream: ResponseStreamLike) => Promise<void>) => unknown;
}

/** Wrapped with `awslambda.streamifyResponse` inside Lambda's Node runtime, where that global exists. */
export const streamingHandler: unknown =
  (globalThis as { awslambda?: LambdaGlobal }).awslambda?.streamifyResponse?.(handlers.handleStream) ??
  handlers.handleStream;
