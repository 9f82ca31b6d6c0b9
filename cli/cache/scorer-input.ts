/**
 * @module
 * Where `edgefleet cache publish` gets the scorer it signs: a file (`--scorer`, e.g. written by
 * `edgefleet cache tune`) or the control plane's active scorer for a tenant after a promoted
 * retrain (`--from-control <url> --tenant t`, `GET /v1/cache-training/:tenant/scorer`). Either
 * way it is checked as a PoP will check it, and a mistake is one line for the operator.
 */
import { readFile } from "node:fs/promises";
import { parseScorerFile, ScorerFileError, type TenantScorer } from "../../shared/cache/scorer/published-scorer.ts";
import { UserError } from "../output.ts";

export interface ScorerInputArgs {
  scorer?: string | undefined;
  fromControl?: string | undefined;
  tenant?: string | undefined;
  token?: string | undefined;
}

export interface ScorerInput {
  scorer: TenantScorer;
  /** The file or URL it came from, for the report. */
  source: string;
}

async function checked(bytes: Uint8Array, tenant: string | undefined, source: string): Promise<TenantScorer> {
  try {
    return await parseScorerFile(bytes, tenant);
  } catch (error) {
    if (error instanceof ScorerFileError) {
      throw new UserError(`${source}: ${error.message}`);
    }
    throw error;
  }
}

/** The control plane answers the untuned default (no tenant) until a retrain promotes a scorer. */
function isUntunedDefault(bytes: Uint8Array): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === "object" && value !== null && !("tenant" in value);
  } catch {
    return false; // not JSON: the scorer check says so
  }
}

async function fromControl(url: string, tenant: string, token: string | undefined): Promise<ScorerInput> {
  const source = `${url.replace(/\/$/, "")}/v1/cache-training/${encodeURIComponent(tenant)}/scorer`;
  let res: Response;
  try {
    res = await fetch(source, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  } catch (error) {
    throw new UserError(
      `cannot reach the control plane at ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) {
    throw new UserError(`${source} answered ${res.status}: ${new TextDecoder().decode(bytes).slice(0, 300)}`);
  }
  if (isUntunedDefault(bytes)) {
    throw new UserError(
      `the control plane has no tuned scorer for tenant ${tenant} yet (it serves the untuned default): retrain first`,
    );
  }
  return { scorer: await checked(bytes, tenant, source), source };
}

export async function readScorerInput(args: ScorerInputArgs): Promise<ScorerInput> {
  if ((args.scorer === undefined) === (args.fromControl === undefined)) {
    throw new UserError("name the scorer: --scorer <cache-scorer.json> or --from-control <url> --tenant <tenant>");
  }
  if (args.fromControl !== undefined) {
    if (args.tenant === undefined) {
      throw new UserError("--from-control needs --tenant <tenant>: whose scorer to publish");
    }
    return fromControl(args.fromControl, args.tenant, args.token);
  }
  const path = args.scorer ?? "";
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${path}: ${error.code ?? String(error)}`);
  });
  return { scorer: await checked(new Uint8Array(bytes), args.tenant, path), source: path };
}
