/**
 * @module
 * The `/device` page: choose a model, sync it from the registry with a progress bar, run it on
 * this device (WebGPU or WASM) and, beside it, the same request on the edge — with the provider,
 * the adapter and the latency of each. It registers the service worker that keeps the page and
 * the onnxruntime-web files offline. Tests and the bench drive the same objects through
 * `window.edgefleet`.
 */
import { jsonLogger } from "../../shared/log.ts";
import { openBrowserDevice, type BrowserDevice } from "./browser-device.ts";
import { LocalFirstClient, type Computed } from "./local-first.ts";
import { rawRun } from "./raw-run.ts";

const here = new URL(".", location.href);
const query = new URLSearchParams(location.search);
/** The page is served by the control plane at `/device/`; its registry read API is at `/registry/`. */
const defaultRegistry = query.get("registry") ?? new URL("../registry/", here).href;
const wasmBase = new URL("ort/", here).href;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) {
    throw new Error(`the page lacks #${id}`);
  }
  return el as T;
}

/** The page's device (`?store=` names its OPFS folder); `only: "wasm"` opens the same store without WebGPU. */
function deviceFor(only?: "wasm", store = query.get("store")): BrowserDevice {
  return openBrowserDevice({
    wasmBase,
    ...(store ? { name: store } : {}),
    ...(only ? { only: [only] } : {}),
    log: jsonLogger({ where: "browser-device" }),
  });
}

const device = deviceFor();

function facts(el: HTMLElement, rows: Record<string, string>): void {
  el.replaceChildren(
    ...Object.entries(rows).flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      return [dt, dd];
    }),
  );
}

function computedRows(c: Computed, version: string): Record<string, string> {
  return {
    where: c.where,
    provider: c.provider ?? "?",
    ...(c.adapter ? { adapter: c.adapter } : {}),
    ...(c.served_by ? { "served by": c.served_by } : {}),
    version,
    latency: `${c.ms.toFixed(1)} ms`,
    ...(c.reason ? { note: c.reason } : {}),
  };
}

async function showStatus(): Promise<void> {
  const status = await device.status();
  byId("status").textContent = JSON.stringify(
    {
      models: status.models.map((m) => ({
        model: m.model,
        current: m.current.version,
        previous: m.previous?.version ?? null,
      })),
      metadata: status.metadata.versions,
      expires: status.metadata.expires,
      last_sync: status.lastSync,
    },
    null,
    2,
  );
}

async function sync(): Promise<void> {
  const progress = byId<HTMLProgressElement>("progress");
  const model = byId<HTMLInputElement>("model").value.trim();
  try {
    const report = await device.sync({
      server: byId<HTMLInputElement>("registry").value,
      models: [model],
      onProgress: (p) => {
        progress.max = Math.max(1, p.totalBytes);
        progress.value = p.doneBytes;
      },
    });
    progress.value = progress.max;
    const result = report.models[0];
    byId("status").textContent =
      `${model}: ${result?.status ?? "?"} ${result?.version ?? ""}${result?.error ? ` (${result.error.code}: ${result.error.message})` : ""}`;
    await showStatus();
  } catch (error) {
    byId("status").textContent = `sync refused: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function run(): Promise<void> {
  const model = byId<HTMLInputElement>("model").value.trim();
  const edgeUrl = byId<HTMLInputElement>("edge").value.trim();
  const apiKey = byId<HTMLInputElement>("key").value.trim();
  const client = new LocalFirstClient({ device, edgeUrl, ...(apiKey ? { apiKey } : {}) });
  let input: {} | null;
  try {
    input = JSON.parse(byId<HTMLTextAreaElement>("input").value) as {} | null;
  } catch {
    byId("local-out").textContent = "the input is not JSON";
    return;
  }
  const sides: Array<["local" | "edge", string]> = [["local", "local"]];
  if (edgeUrl) {
    sides.push(["edge", "edge"]);
  }
  for (const [placement, prefix] of sides) {
    try {
      const answer = await client.predict({ model, input }, placement);
      facts(byId(`${prefix}-facts`), computedRows(answer.computed, answer.version));
      byId(`${prefix}-out`).textContent = JSON.stringify(answer.output, null, 1).slice(0, 4000);
    } catch (error) {
      facts(byId(`${prefix}-facts`), {});
      byId(`${prefix}-out`).textContent = error instanceof Error ? error.message : String(error);
    }
  }
}

async function start(): Promise<void> {
  byId<HTMLInputElement>("registry").value = defaultRegistry;
  byId<HTMLInputElement>("edge").value = query.get("edge") ?? "";
  byId("sync").addEventListener("click", () => void sync());
  byId("run").addEventListener("click", () => void run());
  byId("reset").addEventListener("click", () => void device.store.wipe().then(showStatus));
  const found = await device.providers();
  byId("env").textContent = found.adapter
    ? `WebGPU adapter: ${found.adapter} — models run on WebGPU where their manifest allows it, else WASM.`
    : `No WebGPU here (${found.reason ?? "unknown"}): models run on WASM.`;
  await showStatus().catch(() => undefined);
}

const edgefleet = {
  device,
  wasmBase,
  deviceFor,
  client: (edgeUrl: string, on: BrowserDevice = device) => new LocalFirstClient({ device: on, edgeUrl }),
  rawRun: (...args: Parameters<typeof rawRun> extends [unknown, unknown, ...infer R] ? R : never) =>
    rawRun(device, wasmBase, ...args),
  /** Resolves once the service worker controls this page (the shell and runtime are cached then). */
  offlineReady: async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.state ?? "none";
  },
};
/** What `window.edgefleet` holds (tests and the bench call it through `page.evaluate`). */
export type EdgefleetPage = typeof edgefleet;
(globalThis as unknown as { edgefleet: EdgefleetPage }).edgefleet = edgefleet;

if ("serviceWorker" in navigator) {
  void navigator.serviceWorker.register(new URL("sw.js", here), { type: "module", scope: here.pathname });
}
void start();
