import type { Env as EdgeWorkerEnv } from "../../edge/worker/index.ts";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeWorkerEnv {
      ADMIN_TOKEN: string;
      /** Node-side: default models' manifests and bytes, test files (vitest.config.ts). */
      FIXTURES: Fetcher;
      /** Node-side: the same prediction on onnxruntime-node (vitest.config.ts). */
      NATIVE: Fetcher;
    }
  }
}
