/**
 * @module
 * The edge's configuration: one zod schema over the env-style record (the Worker's vars and
 * secrets; the Node PoP's options are mapped onto the same names), parsed into one typed
 * `EdgeConfig`. A value that does not parse is a `ConfigError` naming every bad key and why,
 * never a silent default: an unset (or empty) key takes its default, a set one must be valid.
 */
import { z } from "zod";
import type { LogLevel } from "../shared/log.ts";
import type { VerifierChoice } from "../shared/cache/cache-store.ts";
import type { BucketLimits } from "./auth/token-bucket.ts";
import type { AwsCredentials } from "./router/lambda-transport.ts";
import { type OriginTable, OriginTableSchema } from "./router/origin-table.ts";
import { DEFAULT_LIMITS, DEFAULT_RATE_LIMITS } from "./deps.ts";
import { DEFAULT_CACHE_SETTINGS } from "./cache/cache-settings.ts";

export interface EdgeCacheConfig {
  ttlMs: number;
  capacity: number;
  thresholdFloor: number;
  embedderId: string;
  verifier: VerifierChoice;
  /** `exact-first`: the exact lookup always goes first; `adaptive`: the order follows the traffic. */
  lookupOrder: "adaptive" | "exact-first";
}

export interface EdgeControlConfig {
  url: string;
  token: string | undefined;
  /** The registry's root.json this PoP trusts (JSON text); absent: no sync agent, only cache feedback. */
  trustedRoot: string | undefined;
  graceMs: number;
}

export interface EdgeConfig {
  pop: string;
  logLevel: LogLevel;
  adminToken: string | undefined;
  auth: {
    mode: "on" | "off";
    /** How long a key record or tenant setting read from the store is trusted (part of the revocation bound). */
    cacheTtlMs: number;
    defaultLimits: BucketLimits;
  };
  memoryBudgetBytes: number;
  maxBodyBytes: number;
  catalogTtlMs: number;
  /** Absent: the response cache is off. */
  cache: EdgeCacheConfig | undefined;
  /** How long a tenant's cache scorer read from the store is used before it is read again. */
  cacheScorerTtlMs: number;
  /** Absent: no control plane (no sync agent, no cache feedback). */
  control: EdgeControlConfig | undefined;
  monitoringWindowMs: number;
  faults: boolean;
  /** Absent: no origin router; the edge answers from its own models only. */
  origins: OriginTable | undefined;
  /** For Lambda origins; absent: Lambda origins are skipped. */
  aws: AwsCredentials | undefined;
}

/** The env-style record both runtimes are configured with (the Worker's `env`, or built from the Node PoP's options). */
export type EdgeEnvRecord = Readonly<Record<string, unknown>>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Every bad key with what is wrong with it, in key order. */
  readonly problems: ReadonlyArray<{ key: string; message: string }>;

  constructor(problems: ReadonlyArray<{ key: string; message: string }>) {
    super(`invalid edge configuration: ${problems.map((p) => `${p.key}: ${p.message}`).join("; ")}`);
    this.problems = problems;
  }

  get keys(): string[] {
    return [...new Set(this.problems.map((p) => p.key))];
  }
}

/**
 * Vars arrive as strings; wrangler also passes numbers and booleans written unquoted in TOML, so
 * those are read as their text. Empty means unset (a var blanked out in a deploy file).
 */
function text(value: unknown): unknown {
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  return value === "" ? undefined : value;
}

const optionalText = z.preprocess(text, z.string().trim().optional());

function numberVar(fallback: number, rule: { int?: boolean; min?: number; max?: number; what: string }) {
  return optionalText.transform((value, ctx) => {
    if (value === undefined) {
      return fallback;
    }
    const n = Number(value);
    const min = rule.min ?? 0;
    const ok =
      value !== "" &&
      Number.isFinite(n) &&
      (rule.min === undefined ? n > 0 : n >= min) &&
      (rule.max === undefined || n <= rule.max) &&
      (!rule.int || Number.isInteger(n));
    if (!ok) {
      ctx.addIssue({ code: "custom", message: `expected ${rule.what}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return n;
  });
}

function choiceVar<const T extends readonly [string, ...string[]]>(choices: T, fallback: T[number]) {
  return optionalText.transform((value, ctx): T[number] => {
    if (value === undefined) {
      return fallback;
    }
    if (!(choices as readonly string[]).includes(value)) {
      ctx.addIssue({ code: "custom", message: `expected one of ${choices.join(", ")}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return value;
  });
}

/** JSON text (or, from wrangler, an object already): parsed, then checked by `schema`. */
function jsonVar<S extends z.ZodType>(schema: S) {
  return z.preprocess(text, z.unknown()).transform((value, ctx): z.infer<S> | undefined => {
    if (value === undefined) {
      return undefined;
    }
    let raw: unknown = value;
    if (typeof value === "string") {
      try {
        raw = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "is not JSON" });
        return z.NEVER;
      }
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const at = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
        ctx.addIssue({ code: "custom", message: `${at}${issue.message}` });
      }
      return z.NEVER;
    }
    return parsed.data as z.infer<S>;
  });
}

function isJsonObject(value: string): boolean {
  try {
    const raw: unknown = JSON.parse(value);
    return typeof raw === "object" && raw !== null && !Array.isArray(raw);
  } catch {
    return false;
  }
}

const POSITIVE = { what: "a positive number" } as const;
const POSITIVE_INT = { int: true, what: "a positive integer" } as const;

/** Every variable the edge reads, by its env name, with its default. */
export const EdgeEnvSchema = z.object({
  POP_ID: optionalText.transform((v) => v ?? "local"),
  LOG_LEVEL: choiceVar(["debug", "info", "warn", "error"], "info"),
  ADMIN_TOKEN: optionalText,
  /** `off` opens `/v1/*` without API keys: local development only. */
  AUTH: choiceVar(["on", "off"], "on"),
  AUTH_CACHE_TTL_S: numberVar(10, POSITIVE),
  RATE_LIMIT_RPM: numberVar(DEFAULT_RATE_LIMITS.requestsPerMinute, POSITIVE),
  RATE_LIMIT_TPM: numberVar(DEFAULT_RATE_LIMITS.tokensPerMinute, POSITIVE),
  MODEL_MEMORY_BUDGET_MB: numberVar(96, POSITIVE),
  MAX_BODY_BYTES: numberVar(DEFAULT_LIMITS.maxBodyBytes, { int: true, what: "a positive integer (bytes)" }),
  CATALOG_TTL_MS: numberVar(1000, POSITIVE),
  CACHE: choiceVar(["on", "off"], "on"),
  CACHE_TTL_S: numberVar(DEFAULT_CACHE_SETTINGS.ttlMs / 1000, POSITIVE),
  CACHE_CAPACITY: numberVar(DEFAULT_CACHE_SETTINGS.capacity, POSITIVE_INT),
  CACHE_THRESHOLD: numberVar(DEFAULT_CACHE_SETTINGS.thresholdFloor, {
    max: 1,
    what: "a cosine similarity in (0, 1]",
  }),
  CACHE_EMBEDDER: optionalText.transform((v) => v ?? DEFAULT_CACHE_SETTINGS.embedderId),
  CACHE_VERIFIER: choiceVar(["rules", "off"], DEFAULT_CACHE_SETTINGS.verifier),
  CACHE_LOOKUP_ORDER: choiceVar(["adaptive", "exact-first"], "adaptive"),
  /** The memo of tenants' cache scorers; it used to borrow AUTH_CACHE_TTL_S, whose default it keeps. */
  CACHE_SCORER_TTL_S: numberVar(10, POSITIVE),
  CONTROL_URL: z.preprocess(text, z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional()),
  /** Kept as the deployed text: the TUF client verifies these exact bytes. */
  TRUSTED_ROOT: z.preprocess(
    text,
    z.string().refine(isJsonObject, { error: "expected the registry's root.json (a JSON object)" }).optional(),
  ),
  CONTROL_TOKEN: optionalText,
  /** 0 releases the old version at the first round after a cutover. */
  SYNC_GRACE_MS: numberVar(30_000, { int: true, min: 0, what: "a whole number of milliseconds (0 or more)" }),
  MONITORING_WINDOW_MS: numberVar(60_000, POSITIVE),
  /** `on` enables `PUT /admin/faults/:model` (chaos drills; never in production). */
  FAULTS: choiceVar(["on", "off"], "off"),
  ORIGINS: jsonVar(OriginTableSchema),
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalText,
  AWS_SESSION_TOKEN: optionalText,
});

/** Parses the env-style record; throws `ConfigError` listing every bad key. Unknown keys (bindings) are ignored. */
export function parseEdgeConfig(env: EdgeEnvRecord): EdgeConfig {
  const parsed = EdgeEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues
        .map((i) => ({ key: String(i.path[0] ?? "(env)"), message: i.message }))
        .toSorted((a, b) => a.key.localeCompare(b.key)),
    );
  }
  const v = parsed.data;
  const problems: Array<{ key: string; message: string }> = [];
  // Half a configuration is a mistake, not a choice: say so rather than run without it.
  if (v.TRUSTED_ROOT !== undefined && v.CONTROL_URL === undefined) {
    problems.push({ key: "TRUSTED_ROOT", message: "is set but CONTROL_URL is not (the sync agent needs both)" });
  }
  if ((v.AWS_ACCESS_KEY_ID === undefined) !== (v.AWS_SECRET_ACCESS_KEY === undefined)) {
    problems.push({
      key: v.AWS_ACCESS_KEY_ID === undefined ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
      message: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together",
    });
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return {
    pop: v.POP_ID,
    logLevel: v.LOG_LEVEL,
    adminToken: v.ADMIN_TOKEN,
    auth: {
      mode: v.AUTH,
      cacheTtlMs: v.AUTH_CACHE_TTL_S * 1000,
      defaultLimits: { requestsPerMinute: v.RATE_LIMIT_RPM, tokensPerMinute: v.RATE_LIMIT_TPM },
    },
    memoryBudgetBytes: v.MODEL_MEMORY_BUDGET_MB * 2 ** 20,
    maxBodyBytes: v.MAX_BODY_BYTES,
    catalogTtlMs: v.CATALOG_TTL_MS,
    cache:
      v.CACHE === "off"
        ? undefined
        : {
            ttlMs: v.CACHE_TTL_S * 1000,
            capacity: v.CACHE_CAPACITY,
            thresholdFloor: v.CACHE_THRESHOLD,
            embedderId: v.CACHE_EMBEDDER,
            verifier: v.CACHE_VERIFIER,
            lookupOrder: v.CACHE_LOOKUP_ORDER,
          },
    cacheScorerTtlMs: v.CACHE_SCORER_TTL_S * 1000,
    control:
      v.CONTROL_URL === undefined
        ? undefined
        : {
            url: v.CONTROL_URL,
            token: v.CONTROL_TOKEN,
            trustedRoot: v.TRUSTED_ROOT,
            graceMs: v.SYNC_GRACE_MS,
          },
    monitoringWindowMs: v.MONITORING_WINDOW_MS,
    faults: v.FAULTS === "on",
    origins: v.ORIGINS,
    aws:
      v.AWS_ACCESS_KEY_ID !== undefined && v.AWS_SECRET_ACCESS_KEY !== undefined
        ? {
            accessKeyId: v.AWS_ACCESS_KEY_ID,
            secretAccessKey: v.AWS_SECRET_ACCESS_KEY,
            ...(v.AWS_SESSION_TOKEN === undefined ? {} : { sessionToken: v.AWS_SESSION_TOKEN }),
          }
        : undefined,
  };
}
