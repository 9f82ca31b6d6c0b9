/**
 * @module
 * Which execution provider a model runs on: the runtime's best available provider that the
 * model's manifest allows. If creating the session on it fails (a WebGPU driver without a
 * needed feature, say), the next one is tried and the reason is kept so it can be shown.
 */
import type { ExecutionProvider } from "../manifest/model-manifest.ts";
import type { InferenceSession, OrtRuntime, SessionConfig } from "./ort-runtime.ts";

export interface ProviderChoice {
  session: InferenceSession;
  provider: ExecutionProvider;
  /** Why a better provider was not used, when one was tried and failed. */
  fallbackReason?: string;
}

/** Providers to try, in the runtime's order of preference, restricted to what the model allows. */
export function candidateProviders(
  available: readonly ExecutionProvider[],
  allowed: readonly ExecutionProvider[],
): ExecutionProvider[] {
  return available.filter((p) => allowed.includes(p));
}

/** Creates a session on the first provider that works. */
export async function createSessionWithFallback(
  runtime: OrtRuntime,
  model: Uint8Array,
  allowed: readonly ExecutionProvider[],
  configByProvider: Partial<Record<ExecutionProvider, SessionConfig>> = {},
): Promise<ProviderChoice> {
  const candidates = candidateProviders(await runtime.availableProviders(), allowed);
  if (candidates.length === 0) {
    throw new Error(
      `no execution provider of ${runtime.name} is allowed by the model (allowed: ${allowed.join(", ")})`,
    );
  }
  const failures: string[] = [];
  for (const provider of candidates) {
    try {
      const session = await runtime.createSession(model, provider, configByProvider[provider]);
      const fallbackReason = failures.length > 0 ? failures.join("; ") : undefined;
      return fallbackReason === undefined ? { session, provider } : { session, provider, fallbackReason };
    } catch (error) {
      failures.push(`${provider}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`could not create a session on any provider (${failures.join("; ")})`);
}
