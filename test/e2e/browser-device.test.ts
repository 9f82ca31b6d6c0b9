// The browser device in headless Chromium (WebGPU on the SwiftShader software adapter), on real
// models from a real signed registry served by the control plane on loopback: WebGPU found and
// used, parity of WebGPU, WASM and onnxruntime-node, offline after one sync (service worker +
// OPFS), tampered chunks and rolled-back metadata refused while the old version keeps running,
// and a reload mid-download resuming without fetching verified chunks again.
// Inputs stay tiny: the software adapter is about 100x slower than WASM.
import * as ortNode from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultModelDraft } from "../support/default-model-draft.ts";
import { float32Weights, perturbTensor } from "../support/onnx-perturb.ts";
import type { EdgefleetPage } from "../../device/browser/app.ts";
import { silentLogger } from "../../shared/log.ts";
import { fileTarget } from "../../shared/registry/layout.ts";
import type { ModelDraft } from "../../shared/registry/publish.ts";
import { type BrowserDeviceFixture, startBrowserDevice } from "../support/browser-device-fixture.ts";
import { type RunningNodePop, startNodePop } from "../../edge/node/node-pop.ts";
import { seedEdge } from "../../cli/local/seed-edge.ts";
import { chromiumMissing } from "../support/chromium.ts";
import { answerOf, TINY_INPUT } from "../support/device-fixture.ts";
import { defaultModels, nativePredict } from "../support/native-reference.ts";
import { rawDraft } from "../support/raw-draft.ts";
import { tempDir } from "../support/temp-dir.ts";
import { expectedOutput, seededWeights, tinyModel } from "../support/tiny-model.ts";

type Page = { edgefleet: EdgefleetPage };
const SIDE = 64;
const image = Array.from({ length: 3 * SIDE * SIDE }, (_, i) => Math.sin(i * 0.37) * 0.5);
const DET_FEEDS = { x: { type: "float32" as const, dims: [1, 3, SIDE, SIDE], data: image } };
const SENTENCES = ["the device runs this model on its own GPU", "offline answers come from the last verified version"];

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

function isDetFile(path: string): boolean {
  return path.startsWith("/registry/targets/") && path.includes("ppocr-det") && path.endsWith(".onnx");
}

function embeddings(output: unknown): number[][] {
  return (output as { embeddings: number[][] }).embeddings;
}

/** A body that delivers its first `limit` bytes and then hangs (a connection that stalls). */
function stallAfter(response: Response, limit: number): Response {
  const reader = response.body?.getReader();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = sent < limit ? await reader?.read() : undefined;
      if (!next || next.done) {
        // Past the limit (or the end): never enqueue again, never close — the page is reloaded meanwhile.
        await new Promise(() => undefined);
        return;
      }
      const piece = next.value.subarray(0, limit - sent);
      sent += piece.byteLength;
      controller.enqueue(piece);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

/** The byte ranges a request log asked for (`Range: bytes=a-b`). */
function rangesOf(requests: ReadonlyArray<{ range: string | null }>): Array<[number, number]> {
  return requests.flatMap((r) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? "");
    return m ? [[Number(m[1]), m[2] ? Number(m[2]) : Number.MAX_SAFE_INTEGER] as [number, number]] : [];
  });
}

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? Number.NaN))), 0);
}

describe.skipIf(chromiumMissing() !== undefined)("browser device (Chromium, WebGPU)", () => {
  let fx: BrowserDeviceFixture;
  let useLite: ModelDraft;
  let det: ModelDraft;

  let pop: RunningNodePop;
  const tinyWeights = seededWeights(1000, 7);

  beforeAll(async () => {
    useLite = await defaultModelDraft("use-lite", "1.0.0");
    det = await defaultModelDraft("ppocr-det", "4.0.0");
    // The edge the local-first client falls back to: the edge app on Node (a self-hosted PoP), serving use-lite.
    pop = await startNodePop({
      pop: "test",
      dataDir: await tempDir("pop"),
      adminToken: "pop-admin",
      auth: "off",
      log: silentLogger,
      threads: 1,
    });
    await seedEdge(
      pop.url,
      "pop-admin",
      (await defaultModels()).filter((m) => m.manifest.id === "use-lite"),
    );
    // A model whose manifest allows only wasm: the engine must not put it on WebGPU.
    const tiny = rawDraft("tiny", "1.0.0", "model.onnx", tinyModel(tinyWeights));
    fx = await startBrowserDevice([useLite, det, tiny], { edgeUrl: pop.url });
    await fx.open();
  });

  afterAll(async () => {
    await fx?.close();
    await pop?.close();
  });

  it("resumes a sync cut by a reload without fetching its verified chunks again", async () => {
    const detSize = det.files.find((f) => f.role === "model")?.bytes.byteLength ?? 0;
    fx.tamper = async (request, honest) =>
      isDetFile(new URL(request.url).pathname)
        ? stallAfter(await honest(request), Math.floor(detSize * 0.4))
        : undefined;
    await fx.page.evaluate(
      ([server]) => {
        // Not awaited: the download stalls at 40% and the page is reloaded under it.
        void (globalThis as unknown as Page).edgefleet.device
          .sync({ server, models: ["ppocr-det"] })
          .catch(() => undefined);
      },
      [fx.registryUrl],
    );
    const stored = async () =>
      fx.page.evaluate(() => (globalThis as unknown as Page).edgefleet.device.store.downloadedChunks());
    for (let i = 0; i < 200 && (await stored()).length < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await fx.open();
    const kept = await stored();
    expect(kept.length).toBeGreaterThanOrEqual(5);
    fx.tamper = undefined;
    const mark = fx.requests.length;
    const result = await fx.page.evaluate(
      ([server]) => (globalThis as unknown as Page).edgefleet.device.sync({ server, models: ["ppocr-det"] }),
      [fx.registryUrl],
    );
    expect(result.models[0]).toMatchObject({ status: "installed", version: "4.0.0", error: null });
    expect(result.models[0]?.chunks.local).toBe(kept.length);
    // Where the kept chunks lie in the file (from the installed, signed manifest), and what the resumed sync asked for.
    const file = await fx.page.evaluate(async () => {
      const d = (globalThis as unknown as Page).edgefleet.device;
      const status = await d.status({ verify: true });
      const digest = status.models.find((m) => m.model === "ppocr-det")?.current.manifest_sha256 ?? "";
      return {
        verified: status.models.find((m) => m.model === "ppocr-det")?.verified,
        manifest: await d.store.manifest(digest),
      };
    });
    expect(file.verified).toEqual({ current: true, previous: null });
    const chunks = file.manifest.files.find((f) => f.role === "model")?.chunks ?? [];
    let offset = 0;
    const keptRanges = chunks.flatMap((c) => {
      const at = offset;
      offset += c.size;
      return kept.includes(c.sha256) ? [[at, at + c.size - 1] as const] : [];
    });
    const asked = rangesOf(fx.requests.slice(mark).filter((r) => isDetFile(r.path)));
    expect(asked.length).toBeGreaterThan(0);
    for (const [a, b] of asked) {
      for (const [c, d] of keptRanges) {
        expect(b < c || a > d, `range ${a}-${b} re-fetches a kept chunk at ${c}-${d}`).toBe(true);
      }
    }
    const keptBytes = keptRanges.reduce((n, [c, d]) => n + d - c + 1, 0);
    expect(result.models[0]?.bytes.downloaded).toBe(detSize - keptBytes);
  });

  it("finds a WebGPU adapter, syncs, runs on webgpu, and WebGPU, WASM and onnxruntime-node agree", async () => {
    const synced = await fx.page.evaluate(
      ([server]) => (globalThis as unknown as Page).edgefleet.device.sync({ server, models: ["use-lite"] }),
      [fx.registryUrl],
    );
    expect(synced.models[0]).toMatchObject({ model: "use-lite", status: "installed", version: "1.0.0" });
    expect(synced.trust).toBe("existing");

    const found = await fx.page.evaluate(() => (globalThis as unknown as Page).edgefleet.device.providers());
    expect(found.providers).toEqual(["webgpu", "wasm"]);
    expect(found.adapter).toMatch(/swiftshader/i);

    const [gpu, wasm] = await fx.page.evaluate(async (text) => {
      const ef = (globalThis as unknown as Page).edgefleet;
      return [await ef.device.run("use-lite", { text }), await ef.deviceFor("wasm").run("use-lite", { text })];
    }, SENTENCES);
    expect(gpu.provider).toBe("webgpu");
    expect(gpu.runtime.adapter).toMatch(/swiftshader/i);
    expect(gpu.device.served).toBe("current");
    expect(wasm.provider).toBe("wasm");
    const native = (await nativePredict({ model: "use-lite", input: { text: SENTENCES } })).output as {
      embeddings: number[][];
    };
    for (let i = 0; i < SENTENCES.length; i++) {
      const g = embeddings(gpu.output)[i] ?? [];
      expect(g).toHaveLength(512);
      expect(cosine(g, embeddings(wasm.output)[i] ?? [])).toBeGreaterThanOrEqual(0.999);
      expect(cosine(g, native.embeddings[i] ?? [])).toBeGreaterThanOrEqual(0.999);
    }
    // The provider shows where an operator looks: the loaded sessions (as /v1/models lists them) and the metrics.
    const seen = await fx.page.evaluate(() => {
      const d = (globalThis as unknown as Page).edgefleet.device;
      return { loaded: d.loaded(), metrics: d.metrics.text() };
    });
    expect(seen.loaded).toEqual([expect.objectContaining({ id: "use-lite", provider: "webgpu", runtime: "ort-web" })]);
    expect(seen.metrics).toContain('edgefleet_device_runs_total{model="use-lite",provider="webgpu"} 1');

    // PP-OCRv4 detection (synced by the resume test): the raw probability map on the same 64x64 input, on each provider.
    const [detGpu, detWasm] = await fx.page.evaluate(async (feeds) => {
      const ef = (globalThis as unknown as Page).edgefleet;
      return [await ef.rawRun("ppocr-det", "webgpu", feeds), await ef.rawRun("ppocr-det", "wasm", feeds)];
    }, DET_FEEDS);
    const modelBytes = det.files.find((f) => f.role === "model")?.bytes ?? new Uint8Array();
    const session = await ortNode.InferenceSession.create(modelBytes, { intraOpNumThreads: 1 });
    const nativeDet = await session.run({
      x: new ortNode.Tensor("float32", Float32Array.from(image), [1, 3, SIDE, SIDE]),
    });
    const name = session.outputNames[0] ?? "";
    const nativeMap = Array.from(nativeDet[name]?.data as Float32Array);
    await session.release();
    const gpuMap = detGpu.outputs[name]?.data ?? [];
    expect(detGpu.outputs[name]?.dims).toEqual([1, 1, SIDE, SIDE]);
    expect(maxAbsDiff(gpuMap, detWasm.outputs[name]?.data ?? [])).toBeLessThanOrEqual(1e-3);
    expect(maxAbsDiff(gpuMap, nativeMap)).toBeLessThanOrEqual(1e-3);
  });

  it("runs a model on wasm when its manifest does not allow webgpu, and says why", async () => {
    const answer = await fx.page.evaluate(
      async ([server, input]) => {
        const d = (globalThis as unknown as Page).edgefleet.device;
        await d.sync({ server, models: ["tiny"] });
        return d.run("tiny", input);
      },
      [fx.registryUrl, TINY_INPUT] as const,
    );
    expect(answer.provider).toBe("wasm");
    expect(answer.runtime).toMatchObject({ adapter: null, why_not_webgpu: "the model's manifest allows only wasm" });
    expect(answerOf(answer.output)).toBeCloseTo(expectedOutput(tinyWeights), 2);
  });

  it("answers local-first with the edge's shapes: on this device when synced, else on the edge, saying where", async () => {
    const edge = `${fx.url}/edge`;
    const before = fx.requests.filter((r) => r.path.startsWith("/edge/")).length;
    const bad = await fx.page.evaluate(
      async ([edgeUrl]) => {
        const ef = (globalThis as unknown as Page).edgefleet;
        try {
          await ef.client(edgeUrl).predict({ model: "use-lite", input: { text: 5 } });
          return null;
        } catch (error) {
          return { status: (error as { status?: number }).status, code: (error as { code?: string }).code };
        }
      },
      [edge],
    );
    // Bad input is refused on the device with the edge's own error, and not sent on.
    expect(bad).toEqual({ status: 400, code: "invalid_request" });
    expect(fx.requests.filter((r) => r.path.startsWith("/edge/")).length).toBe(before);

    const r = await fx.page.evaluate(
      async ([edgeUrl, input]) => {
        const ef = (globalThis as unknown as Page).edgefleet;
        const client = ef.client(edgeUrl);
        return {
          local: await client.embeddings({ model: "use-lite", input }),
          edge: await client.embeddings({ model: "use-lite", input }, "edge"),
          unsynced: await ef
            .client(edgeUrl, ef.deviceFor(undefined, "never-synced"))
            .embeddings({ model: "use-lite", input }),
        };
      },
      [edge, SENTENCES] as const,
    );
    expect(r.local.computed).toMatchObject({
      where: "local",
      provider: "webgpu",
      adapter: expect.stringMatching(/swiftshader/i),
      reason: null,
    });
    expect(r.edge.computed).toMatchObject({ where: "edge", provider: "cpu", served_by: "edge/test" });
    expect(r.unsynced.computed).toMatchObject({ where: "edge", reason: "use-lite is not synced on this device" });
    for (const answer of [r.local, r.edge, r.unsynced]) {
      expect(answer).toMatchObject({
        object: "list",
        model: "use-lite",
        usage: { prompt_tokens: r.edge.usage.prompt_tokens },
      });
      expect(answer.data).toHaveLength(SENTENCES.length);
    }
    for (let i = 0; i < SENTENCES.length; i++) {
      const vector = (a: typeof r.local) => a.data[i]?.embedding as number[];
      expect(cosine(vector(r.local), vector(r.edge))).toBeGreaterThanOrEqual(0.999);
    }
  });

  it("keeps running offline after one sync: a reload with the network off still answers on WebGPU", async () => {
    expect(await fx.page.evaluate(() => (globalThis as unknown as Page).edgefleet.offlineReady())).toBe("activated");
    await fx.context.setOffline(true);
    const mark = fx.requests.length;
    try {
      await fx.open();
      const answer = await fx.page.evaluate(
        (text) => (globalThis as unknown as Page).edgefleet.device.run("use-lite", { text }),
        SENTENCES.slice(0, 1),
      );
      expect(answer).toMatchObject({ model: "use-lite", version: "1.0.0", provider: "webgpu" });
      expect(answer.device.metadata_expired).toBe(false);
      // Nothing reached the server: the page, its bundle and ort-web came from the service worker, the model from OPFS.
      // (Chromium's own update check of the registered worker script bypasses the offline emulation; it is not content.)
      expect(fx.requests.slice(mark).filter((r) => r.path !== "/device/sw.js")).toEqual([]);
    } finally {
      await fx.context.setOffline(false);
    }
  });

  it("refuses a tampered chunk and rolled-back metadata while the previous version keeps running", async () => {
    const oldTimestamp = await fx.registry.metadata.get("timestamp.json");
    const model = useLite.files.find((f) => f.role === "model")?.bytes ?? new Uint8Array();
    const biggest = float32Weights(model).at(-1);
    if (!biggest) {
      throw new Error("use-lite has no float32 tensor to edit");
    }
    const next = await defaultModelDraft("use-lite", "1.1.0", (m) => perturbTensor(m, biggest));
    await fx.publish(next);
    const v11 = fileTarget("use-lite", "1.1.0", "");
    const sync = () =>
      fx.page.evaluate(
        async ([server]) => {
          try {
            return await (globalThis as unknown as Page).edgefleet.device.sync({ server, models: ["use-lite"] });
          } catch (error) {
            return { refused: (error as { code?: string }).code ?? String(error) };
          }
        },
        [fx.registryUrl],
      );
    const run = () =>
      fx.page.evaluate(
        (text) => (globalThis as unknown as Page).edgefleet.device.run("use-lite", { text }),
        SENTENCES.slice(0, 1),
      );

    // A mirror that flips one byte of every response for the new version's model file.
    fx.tamper = async (request, honest) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      if (!path.includes(v11.slice(0, v11.lastIndexOf("/"))) || !path.endsWith(".onnx")) {
        return undefined;
      }
      const res = await honest(request);
      const bytes = new Uint8Array(await res.arrayBuffer());
      bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0xff;
      return new Response(bytes, { status: res.status, headers: res.headers });
    };
    const tampered = await sync();
    expect(tampered).toMatchObject({
      models: [{ model: "use-lite", status: "failed", error: { code: "CHUNK_HASH_MISMATCH" } }],
    });
    expect(await run()).toMatchObject({ version: "1.0.0", provider: "webgpu" });

    // A mirror that serves the timestamp from before 1.1.0 was published.
    fx.tamper = (request) =>
      new URL(request.url).pathname === "/registry/metadata/timestamp.json" && oldTimestamp
        ? new Response(oldTimestamp.slice())
        : undefined;
    expect(await sync()).toEqual({ refused: "ROLLBACK" });
    expect(await run()).toMatchObject({ version: "1.0.0", provider: "webgpu" });

    // The honest registry again: 1.1.0 installs, 1.0.0 stays as N-1.
    fx.tamper = undefined;
    const honest = await sync();
    expect(honest).toMatchObject({ models: [{ status: "installed", version: "1.1.0", previous: "1.0.0" }] });
    expect(await run()).toMatchObject({ version: "1.1.0", provider: "webgpu" });
  });

  it("the /device page syncs with a progress bar and shows provider, adapter and latency beside the edge", async () => {
    // A fresh device folder, so the page's sync really downloads.
    await fx.page.goto(`${fx.url}/device/?store=page&edge=${encodeURIComponent(`${fx.url}/edge`)}`);
    await fx.page.waitForFunction(() => document.getElementById("env")?.textContent?.includes("WebGPU adapter"));
    await fx.page.fill("#model", "use-lite");
    await fx.page.click("#sync");
    await fx.page.waitForFunction(() => document.getElementById("status")?.textContent?.includes('"current"'));
    const bar = await fx.page.$eval("#progress", (p) => ({
      value: (p as HTMLProgressElement).value,
      max: (p as HTMLProgressElement).max,
    }));
    expect(bar.max).toBeGreaterThan(1_000_000);
    expect(bar.value).toBe(bar.max);
    await fx.page.fill("#input", JSON.stringify({ text: "hello from the page" }));
    await fx.page.click("#run");
    await fx.page.waitForFunction(() => document.getElementById("edge-facts")?.textContent?.includes("edge/test"));
    const local = await fx.page.$eval("#local-facts", (el) => el.textContent ?? "");
    expect(local).toMatch(/wherelocal/);
    expect(local).toMatch(/providerwebgpu/);
    expect(local).toMatch(/adapter.*swiftshader/i);
    expect(local).toMatch(/latency\d+\.\d ms/);
    expect(await fx.page.$eval("#edge-facts", (el) => el.textContent ?? "")).toMatch(/whereedge.*providercpu/);
  });
});
