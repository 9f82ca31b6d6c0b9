/**
 * Generated hostile and malformed requests for the fuzz tests against the edge (in workerd)
 * and the origin (a real process): broken JSON, deep nesting, huge strings, wrong types,
 * bad tensors, bad headers and odd methods and paths, mixed with plausible requests that
 * reach the real models. Pure fast-check, so it runs in workerd and Node alike.
 */
import * as fc from "fast-check";

export interface HostileRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzTargets {
  /** A valid API key (absent for the origin, which has no keys). */
  key?: string;
  /** The tensor model and the text embedder served there. */
  tensorModel: string;
  embedder: string;
  /** Bytes just over the body cap, for a few oversized bodies. */
  maxBodyBytes: number;
}

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n));
const headerValue = fc.oneof(
  fc.string({ unit: printable, maxLength: 80 }),
  fc.integer({ min: 200, max: 6000 }).map((n) => "x".repeat(n)),
);

const PATHS = [
  "/v1/predict",
  "/v1/embeddings",
  "/v1/chat/completions",
  "/v1/models",
  "/v1/models/silero-vad/warm",
  "/v1/feedback",
  "/admin/keys",
  "/admin/models/silero-vad",
  "/admin/blobs/00",
  "/healthz",
];

function jsonBodies(t: FuzzTargets): fc.Arbitrary<{ kind: string; body: string }> {
  const model = fc.oneof(fc.constantFrom(t.tensorModel, t.embedder, "no-such-model"), fc.string({ maxLength: 300 }));
  const plausible = fc.oneof(
    fc.record({
      model: fc.constant(t.tensorModel),
      input: fc.record({ audio: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { maxLength: 4000 }) }),
    }),
    fc.record({
      model: fc.constant(t.embedder),
      input: fc.oneof(fc.string({ maxLength: 400 }), fc.array(fc.string({ maxLength: 60 }), { maxLength: 8 })),
    }),
    fc.record({
      model: fc.constant(t.embedder),
      input: fc.record({
        text: fc.oneof(fc.string({ maxLength: 400 }), fc.array(fc.string({ maxLength: 60 }), { maxLength: 8 })),
      }),
    }),
  );
  const tensor = fc.record(
    {
      dtype: fc.oneof(fc.constantFrom("float32", "int64", "int32", "uint8", "bool", "float16", "string"), fc.string()),
      dims: fc.array(
        fc.oneof(fc.integer({ min: -3, max: 600 }), fc.constantFrom(0, 2 ** 31, 1e12, 1.5, -1, Number.NaN)),
        { maxLength: 8 },
      ),
      data: fc.oneof(
        fc.array(fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 4 })), { maxLength: 700 }),
        fc.base64String({ maxLength: 4000 }),
        fc.string({ maxLength: 50 }),
        fc.constant(null),
      ),
    },
    { requiredKeys: [] },
  );
  const badTensors = fc.record({
    model: fc.constant(t.tensorModel),
    input: fc.record({
      tensors: fc.dictionary(fc.oneof(fc.constantFrom("input", "sr", "h", "c"), fc.string({ maxLength: 10 })), tensor, {
        maxKeys: 6,
      }),
    }),
  });
  const wrongTypes = fc.record(
    {
      model,
      input: fc.jsonValue({ maxDepth: 4 }),
      parameters: fc.jsonValue({ maxDepth: 3 }),
      messages: fc.jsonValue({ maxDepth: 3 }),
      stream: fc.jsonValue({ maxDepth: 1 }),
      dimensions: fc.jsonValue({ maxDepth: 1 }),
      encoding_format: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  );
  const chat = fc.record({
    model,
    messages: fc.array(
      fc.record({
        role: fc.constantFrom("user", "system", "assistant", "tool", "x"),
        content: fc.jsonValue({ maxDepth: 2 }),
      }),
      { maxLength: 5 },
    ),
    stream: fc.boolean(),
  });
  const hugeString = fc
    .integer({ min: 10_000, max: Math.min(300_000, t.maxBodyBytes - 100) })
    .chain((n) =>
      fc.constantFrom(
        { model: t.embedder, input: "word ".repeat(Math.floor(n / 5)) },
        { model: t.tensorModel, input: { text: "a".repeat(n) } },
        { model: "m".repeat(n), input: {} },
      ),
    );
  const deep = fc
    .tuple(fc.integer({ min: 60, max: 20_000 }), fc.boolean())
    .map(([n, arrays]) =>
      arrays
        ? `{"model":"${t.tensorModel}","input":${"[".repeat(n)}${"]".repeat(n)}}`
        : `{"model":"${t.tensorModel}","input":${'{"a":'.repeat(n)}1${"}".repeat(n)}}`,
    );
  const longArray = fc
    .integer({ min: 10_000, max: 60_000 })
    .map((n) => JSON.stringify({ model: t.tensorModel, input: { audio: Array.from({ length: n }, () => 0.5) } }));
  const oversized = fc.constant(`{"model":"${t.tensorModel}","input":"${"z".repeat(t.maxBodyBytes + 10)}"}`);
  return fc.oneof(
    { weight: 20, arbitrary: plausible.map((v) => ({ kind: "plausible", body: JSON.stringify(v) })) },
    { weight: 15, arbitrary: badTensors.map((v) => ({ kind: "bad-tensor", body: JSON.stringify(v) })) },
    { weight: 15, arbitrary: wrongTypes.map((v) => ({ kind: "wrong-types", body: JSON.stringify(v) })) },
    { weight: 8, arbitrary: chat.map((v) => ({ kind: "chat", body: JSON.stringify(v) })) },
    {
      weight: 15,
      arbitrary: fc
        .tuple(
          plausible.map((v) => JSON.stringify(v)),
          fc.nat(),
        )
        .map(([s, cut]) => ({ kind: "broken-json", body: s.slice(0, cut % Math.max(1, s.length)) })),
    },
    { weight: 8, arbitrary: fc.string({ unit: "binary", maxLength: 300 }).map((body) => ({ kind: "garbage", body })) },
    { weight: 5, arbitrary: deep.map((body) => ({ kind: "deep", body })) },
    { weight: 2, arbitrary: hugeString.map((v) => ({ kind: "huge-string", body: JSON.stringify(v) })) },
    { weight: 2, arbitrary: longArray.map((body) => ({ kind: "long-array", body })) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => ({ kind: "any-json", body: JSON.stringify(v) ?? "null" })) },
    { weight: 1, arbitrary: oversized.map((body) => ({ kind: "oversized", body })) },
  );
}

export function hostileRequests(t: FuzzTargets): fc.Arbitrary<HostileRequest> {
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constant("POST") },
    { weight: 1, arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD") },
  );
  const path = fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: fc.webPath() });
  const auth = t.key
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constant(`Bearer ${t.key}`) },
        { weight: 2, arbitrary: headerValue },
        { weight: 1, arbitrary: headerValue.map((v) => `Bearer ${v}`) },
        { weight: 1, arbitrary: fc.constant(`Bearer ${t.key}x`) },
      )
    : headerValue;
  const headers = fc.record(
    {
      authorization: auth,
      "content-type": fc.oneof(
        { weight: 8, arbitrary: fc.constant("application/json") },
        { weight: 1, arbitrary: headerValue },
      ),
      "x-request-id": headerValue,
      "cache-control": fc.oneof(fc.constantFrom("no-store", "no-cache", "max-age=-1"), headerValue),
      "x-edgefleet-cache-threshold": fc.oneof(fc.constantFrom("0", "-1", "2", "NaN", "1e309"), headerValue),
      "content-encoding": fc.constantFrom("gzip", "br", "identity"),
      accept: headerValue,
    },
    { requiredKeys: ["authorization", "content-type"] },
  );
  return fc
    .record({ method, path, headers, body: jsonBodies(t) })
    .map(({ method: m, path: p, headers: h, body: b }) => {
      const withBody = m !== "GET" && m !== "HEAD";
      // Header values may not start or end with spaces once trimmed; fetch would do it anyway.
      const cleaned = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.trim()]));
      return { kind: b.kind, method: m, path: p, headers: cleaned, ...(withBody ? { body: b.body } : {}) };
    });
}

export interface FuzzResult {
  request: HostileRequest;
  status: number;
  ms: number;
  error?: string;
}

/** Sends the requests with at most `concurrency` in flight; returns each one's status (or the thrown error). */
export async function sendAll(
  requests: readonly HostileRequest[],
  send: (r: HostileRequest) => Promise<Response>,
  concurrency: number,
): Promise<FuzzResult[]> {
  const results: FuzzResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++];
      if (!request) {
        return;
      }
      try {
        const t0 = Date.now();
        const res = await send(request);
        await res.arrayBuffer();
        results.push({ request, status: res.status, ms: Date.now() - t0 });
      } catch (error) {
        results.push({
          request,
          status: -1,
          ms: 0,
          error: `${String(error)} ${String((error as { cause?: unknown }).cause ?? "")}`,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Statuses counted by class and request kind, for the test's printed summary. */
export function summarise(results: readonly FuzzResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.status < 0 ? "error" : `${Math.floor(r.status / 100)}xx`;
    out[key] = (out[key] ?? 0) + 1;
    out[`ms.${r.request.kind}`] = (out[`ms.${r.request.kind}`] ?? 0) + r.ms;
    out[`n.${r.request.kind}`] = (out[`n.${r.request.kind}`] ?? 0) + 1;
  }
  return out;
}
