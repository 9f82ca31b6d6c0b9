/**
 * `npm run bench -- <name> [--json]`: runs one benchmark and prints its table or JSON.
 */
import { printReport } from "./lib/report.ts";
import type { BenchResult } from "./lib/report.ts";

const BENCHES: Record<string, () => Promise<{ run(json: boolean): Promise<BenchResult> }>> = {
  edge: () => import("./edge.ts"),
  gateway: () => import("./gateway.ts"),
  cache: () => import("./cache.ts"),
  breaker: () => import("./breaker.ts"),
  chunking: () => import("./chunking.ts"),
  hostile: () => import("./hostile.ts"),
  origin: () => import("./origin.ts"),
  faults: () => import("./faults.ts"),
  verifier: () => import("./verifier.ts"),
  fleet: () => import("./fleet.ts"),
  device: () => import("./device.ts"),
  monitoring: () => import("./monitoring.ts"),
  webgpu: () => import("./webgpu.ts"),
};

const args = process.argv.slice(2);
const json = args.includes("--json");
const name = args.find((a) => !a.startsWith("--"));
const load = name ? BENCHES[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}> [--json]\n`);
  process.exit(2);
}
const bench = await load();
const result = await bench.run(json);
printReport(result, json);
// Runtimes started by a bench (workerd, ort thread pools) must not keep the process alive.
process.exit(0);
