import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { readFile } from "node:fs/promises";
import { defineConfig } from "vitest/config";
import { PredictRequestSchema } from "./shared/protocol/predict.ts";
import { defaultModels, nativePredict } from "./test/support/native-reference.ts";

// Node-side services the tests inside workerd call through service bindings:
// FIXTURES hands out the default models (manifests and bytes) and test files,
// NATIVE runs the same prediction on onnxruntime-node for parity checks.
async function fixtures(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const models = await defaultModels();
  if (url.pathname === "/manifests") {
    return Response.json(models.map((m) => m.manifest));
  }
  const blob = /^\/blobs\/([0-9a-f]{64})$/.exec(url.pathname)?.[1];
  if (blob) {
    const bytes = models.map((m) => m.blobs.get(blob)).find((b) => b !== undefined);
    return bytes ? new Response(bytes.slice()) : new Response("no such blob", { status: 404 });
  }
  const file = /^\/files\/([\w.-]+)$/.exec(url.pathname)?.[1];
  if (file) {
    return new Response(await readFile(`test/fixtures/${file}`));
  }
  return new Response("not found", { status: 404 });
}

async function native(request: Request): Promise<Response> {
  const body = PredictRequestSchema.parse(await request.json());
  return Response.json(await nativePredict(body));
}

/** The edge Worker (wrangler.toml) inside workerd for the tests, with these vars and the Node-side services. */
function edgeWorker(vars: Record<string, string>) {
  return cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      bindings: { ADMIN_TOKEN: "test-admin-token", LOG_LEVEL: "error", ...vars },
      serviceBindings: { FIXTURES: fixtures, NATIVE: native },
    },
  });
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [edgeWorker({ POP_ID: "test", MAX_BODY_BYTES: "4194304" })],
        test: {
          name: "edge",
          include: ["test/edge/**/*.test.ts"],
          exclude: ["test/edge/auth/**"],
          testTimeout: 120_000,
        },
      },
      {
        // The same Worker with API keys on, as staging and production run it (wrangler.toml is local dev: AUTH=off).
        plugins: [
          edgeWorker({
            POP_ID: "test-auth",
            AUTH: "on",
            AUTH_CACHE_TTL_S: "1",
            RATE_LIMIT_RPM: "600",
            MAX_BODY_BYTES: "1048576",
          }),
        ],
        test: {
          name: "edge-auth",
          include: ["test/edge/auth/**/*.test.ts"],
          testTimeout: 120_000,
          // Hooks seed ~40 MB of models through the admin API: slow on a loaded 2-core machine.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // End-to-end tests start real processes on loopback ports: one file at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
