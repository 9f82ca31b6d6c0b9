// The edge's one configuration schema: every default as the Worker always had it, a bad value
// named with its key (never a silent default), and the Node PoP's options read the same way.
import { describe, expect, it } from "vitest";
import { ConfigError, parseEdgeConfig } from "../../../edge/config.ts";
import { nodePopEnv } from "../../../edge/node/node-pop.ts";
import { DEFAULT_CACHE_SETTINGS } from "../../../edge/cache/cache-settings.ts";

function problemsOf(env: Record<string, unknown>): ConfigError {
  try {
    parseEdgeConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error("the configuration parsed");
}

describe("edge configuration", () => {
  it("takes every default when nothing is set", () => {
    const config = parseEdgeConfig({});
    expect(config).toMatchObject({
      pop: "local",
      logLevel: "info",
      adminToken: undefined,
      auth: { mode: "on", cacheTtlMs: 10_000, defaultLimits: { requestsPerMinute: 600, tokensPerMinute: 200_000 } },
      memoryBudgetBytes: 96 * 2 ** 20,
      maxBodyBytes: 8 * 2 ** 20,
      catalogTtlMs: 1000,
      cache: {
        ttlMs: DEFAULT_CACHE_SETTINGS.ttlMs,
        capacity: 50_000,
        thresholdFloor: 0.953,
        embedderId: "use-lite",
        verifier: "rules",
        lookupOrder: "adaptive",
      },
      cacheScorerTtlMs: 10_000,
      control: undefined,
      monitoringWindowMs: 60_000,
      faults: false,
      origins: undefined,
      aws: undefined,
    });
  });

  it("reads the Worker's vars, an empty one as unset", () => {
    const config = parseEdgeConfig({
      POP_ID: "fra",
      MAX_BODY_BYTES: "1048576",
      CACHE: "off",
      AUTH: "off",
      FAULTS: "on",
      MODEL_MEMORY_BUDGET_MB: 128,
      CATALOG_TTL_MS: "",
      CONTROL_URL: "http://control.test",
      CONTROL_TOKEN: "t",
      SYNC_GRACE_MS: "0",
      ORIGINS: JSON.stringify({ origins: [{ id: "a", region: "eu-west", endpoint: "http://origin.test" }] }),
    });
    expect(config.pop).toBe("fra");
    expect(config.maxBodyBytes).toBe(1_048_576);
    expect(config.cache).toBeUndefined();
    expect(config.auth.mode).toBe("off");
    expect(config.faults).toBe(true);
    expect(config.memoryBudgetBytes).toBe(128 * 2 ** 20);
    expect(config.catalogTtlMs).toBe(1000);
    expect(config.control).toEqual({ url: "http://control.test", token: "t", trustedRoot: undefined, graceMs: 0 });
    expect(config.origins?.origins[0]).toMatchObject({ id: "a", kind: "http", priority: 0 });
  });

  it("names every bad key and why, instead of falling back to a default", () => {
    const error = problemsOf({
      MAX_BODY_BYTES: "abc",
      CACHE_THRESHOLD: "2",
      ORIGINS: "{not json",
      AUTH: "of",
      RATE_LIMIT_RPM: "-5",
    });
    expect(error.keys).toEqual(["AUTH", "CACHE_THRESHOLD", "MAX_BODY_BYTES", "ORIGINS", "RATE_LIMIT_RPM"]);
    expect(error.message).toContain('MAX_BODY_BYTES: expected a positive integer (bytes), got "abc"');
    expect(error.message).toContain("CACHE_THRESHOLD: expected a cosine similarity in (0, 1]");
    expect(error.message).toContain("ORIGINS: is not JSON");
    expect(error.message).toContain('AUTH: expected one of on, off, got "of"');
  });

  it("checks ORIGINS against the origin table's schema", () => {
    const error = problemsOf({ ORIGINS: JSON.stringify({ origins: [{ id: "a", region: "eu", endpoint: "nope" }] }) });
    expect(error.keys).toEqual(["ORIGINS"]);
    expect(error.message).toMatch(/ORIGINS: origins\.0\.endpoint/);
  });

  it("refuses half a sync or AWS configuration", () => {
    expect(problemsOf({ TRUSTED_ROOT: '{"signed":{}}' }).keys).toEqual(["TRUSTED_ROOT"]);
    expect(problemsOf({ CONTROL_URL: "http://c.test", TRUSTED_ROOT: "[1]" }).keys).toEqual(["TRUSTED_ROOT"]);
    expect(problemsOf({ AWS_ACCESS_KEY_ID: "AKID" }).keys).toEqual(["AWS_SECRET_ACCESS_KEY"]);
    expect(problemsOf({ CONTROL_URL: "control" }).keys).toEqual(["CONTROL_URL"]);
  });

  it("gives the cache scorer memo its own lifetime, no longer AUTH_CACHE_TTL_S's", () => {
    expect(parseEdgeConfig({ AUTH_CACHE_TTL_S: "1" })).toMatchObject({
      auth: { cacheTtlMs: 1000 },
      cacheScorerTtlMs: 10_000,
    });
    expect(parseEdgeConfig({ CACHE_SCORER_TTL_S: "2" })).toMatchObject({
      auth: { cacheTtlMs: 10_000 },
      cacheScorerTtlMs: 2000,
    });
  });

  it("maps the Node PoP's options onto the same variables, validated the same way", () => {
    const env = nodePopEnv({
      pop: "node-1",
      dataDir: "/tmp/x",
      adminToken: "a",
      origins: { origins: [] },
      control: { url: "http://c.test", graceMs: 0 },
      env: { CACHE_TTL_S: "5", POP_ID: "ignored" },
    });
    const config = parseEdgeConfig(env);
    expect(config.pop).toBe("node-1");
    expect(config.memoryBudgetBytes).toBe(1024 * 2 ** 20);
    expect(config.cache?.ttlMs).toBe(5000);
    expect(config.origins?.origins).toEqual([]);
    expect(config.control?.graceMs).toBe(0);
    const bad = nodePopEnv({ pop: "n", dataDir: "/tmp/x", adminToken: "a", origins: "[", env: { CACHE: "maybe" } });
    expect(() => parseEdgeConfig(bad)).toThrow(ConfigError);
    expect(problemsOf(bad).keys).toEqual(["CACHE", "ORIGINS"]);
  });
});
