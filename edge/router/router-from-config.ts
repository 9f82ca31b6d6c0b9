/**
 * @module
 * Builds the origin router from the edge's configuration: the origin table (already checked by
 * its schema in `edge/config.ts`), HTTP origins over fetch, Lambda origins over the signed
 * Invoke API with the configured AWS credentials.
 */
import type { Logger } from "../../shared/log.ts";
import { type AwsCredentials, lambdaTransport } from "./lambda-transport.ts";
import type { OriginTable } from "./origin-table.ts";
import { OriginRouter } from "./router.ts";
import { httpTransport, type OriginTransport } from "./transport.ts";

export function routerFromConfig(
  table: OriginTable | undefined,
  aws: AwsCredentials | undefined,
  log: Logger,
): OriginRouter | undefined {
  if (!table) {
    return undefined;
  }
  const transports: Partial<Record<"http" | "lambda", OriginTransport>> = { http: httpTransport() };
  if (aws) {
    transports.lambda = lambdaTransport(aws);
  } else if (table.origins.some((o) => o.kind === "lambda")) {
    // Not a config error: an operator may deploy the table before the secrets, and the HTTP origins still serve.
    log.log("warn", "router.lambda_without_credentials", {
      note: "lambda origins are skipped until AWS_* secrets are set",
    });
  }
  return new OriginRouter({ table, transports, log });
}
