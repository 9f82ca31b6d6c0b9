/**
 * @module
 * Builds the Worker's origin router from its bindings: the origin table from the `ORIGINS`
 * variable (JSON, checked by the table schema), HTTP origins over fetch, Lambda origins over
 * the signed Invoke API with the `AWS_*` secrets. A table that does not parse is logged and
 * leaves the edge serving its local models only, rather than failing every request.
 */
import type { Logger } from "../../shared/log.ts";
import { lambdaTransport } from "../router/lambda-transport.ts";
import { OriginTableSchema } from "../router/origin-table.ts";
import { OriginRouter } from "../router/router.ts";
import { httpTransport, type OriginTransport } from "../router/transport.ts";

export interface OriginBindings {
  ORIGINS?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
}

export function routerFromBindings(env: OriginBindings, log: Logger): OriginRouter | undefined {
  if (!env.ORIGINS) {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(env.ORIGINS);
  } catch {
    log.log("error", "router.config_invalid", { error: "ORIGINS is not JSON" });
    return undefined;
  }
  const table = OriginTableSchema.safeParse(raw);
  if (!table.success) {
    log.log("error", "router.config_invalid", {
      error: table.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    });
    return undefined;
  }
  const transports: Partial<Record<"http" | "lambda", OriginTransport>> = { http: httpTransport() };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    transports.lambda = lambdaTransport({
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    });
  } else if (table.data.origins.some((o) => o.kind === "lambda")) {
    log.log("warn", "router.lambda_without_credentials", {
      note: "lambda origins are skipped until AWS_* secrets are set",
    });
  }
  return new OriginRouter({ table: table.data, transports, log });
}
