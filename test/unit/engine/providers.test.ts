// Provider choice is logic around onnxruntime: a fake runtime here stands in for sessions that
// fail on one provider; the real providers run in test/edge (wasm) and test/unit/engine (cpu).
import { describe, expect, it } from "vitest";
import { createSessionWithFallback } from "../../../shared/engine/provider-select.ts";
import type { InferenceSession, OrtRuntime } from "../../../shared/engine/ort-runtime.ts";
import { detectWebProviders } from "../../../shared/engine/web-providers.ts";
import type { ExecutionProvider } from "../../../shared/manifest/model-manifest.ts";

function fakeRuntime(available: ExecutionProvider[], failing: ExecutionProvider[]): OrtRuntime {
  return {
    name: "fake",
    Tensor: undefined as unknown as OrtRuntime["Tensor"],
    availableProviders: async () => available,
    createSession: async (_model, provider) => {
      if (failing.includes(provider)) {
        throw new Error(`${provider} cannot run this graph`);
      }
      return { provider } as unknown as InferenceSession;
    },
  };
}

describe("provider selection", () => {
  it("takes the runtime's best provider that the model allows", async () => {
    const choice = await createSessionWithFallback(fakeRuntime(["webgpu", "wasm"], []), new Uint8Array(), [
      "wasm",
      "cpu",
    ]);
    expect(choice.provider).toBe("wasm");
    expect(choice.fallbackReason).toBeUndefined();
  });

  it("falls back from a failing WebGPU session to wasm and says why", async () => {
    const choice = await createSessionWithFallback(fakeRuntime(["webgpu", "wasm"], ["webgpu"]), new Uint8Array(), [
      "webgpu",
      "wasm",
    ]);
    expect(choice.provider).toBe("wasm");
    expect(choice.fallbackReason).toContain("webgpu: webgpu cannot run this graph");
  });

  it("fails clearly when the model allows nothing this runtime has", async () => {
    await expect(createSessionWithFallback(fakeRuntime(["wasm"], []), new Uint8Array(), ["cuda"])).rejects.toThrow(
      /allowed by the model/,
    );
  });
});

describe("detectWebProviders", () => {
  it("offers wasm only without navigator.gpu (workerd, Node)", async () => {
    expect(await detectWebProviders(undefined)).toMatchObject({ providers: ["wasm"] });
    expect(await detectWebProviders({})).toMatchObject({
      providers: ["wasm"],
      reason: expect.stringContaining("navigator.gpu"),
    });
  });

  it("offers webgpu first when an adapter exists, naming it", async () => {
    const nav = { gpu: { requestAdapter: async () => ({ info: { vendor: "google", architecture: "swiftshader" } }) } };
    expect(await detectWebProviders(nav)).toEqual({ providers: ["webgpu", "wasm"], adapter: "google swiftshader" });
  });

  it("falls back to wasm when no adapter is offered", async () => {
    const nav = { gpu: { requestAdapter: async () => null } };
    expect(await detectWebProviders(nav)).toMatchObject({
      providers: ["wasm"],
      reason: "navigator.gpu offered no adapter",
    });
  });
});
