/**
 * @module
 * Stacking requests into one batch along the first dimension and splitting the outputs back.
 * Only models whose every input and output has a symbolic first dimension can batch this way
 * (raw-tensor models exported with a `batch` axis, PaddleOCR's recogniser and detector);
 * Silero VAD cannot (its state tensors carry the batch in the second axis, its rate is a
 * scalar), so its runs go one by one.
 */
import type { Tensor } from "../../shared/engine/ort-runtime.ts";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";

type Feeds = Record<string, Tensor>;
type NumericData = Float32Array | Int32Array | BigInt64Array | Int8Array | Uint8Array | Uint16Array | Float64Array;

function firstIsSymbolic(shape: ReadonlyArray<number | string>): boolean {
  return typeof shape[0] === "string";
}

/** True when every input and output of the model has a symbolic (per-request) first dimension. */
export function modelBatches(manifest: ModelManifest): boolean {
  return (
    manifest.io.inputs.every((t) => firstIsSymbolic(t.shape)) &&
    manifest.io.outputs.every((t) => firstIsSymbolic(t.shape))
  );
}

/**
 * A key that is equal for feeds that can be stacked together (same names, dtypes and
 * dimensions after the first), with the number of rows this request adds; undefined when the
 * feeds cannot be stacked (a scalar, string data, inputs that disagree on their row count).
 */
export function batchKey(feeds: Feeds): { key: string; rows: number } | undefined {
  let rows: number | undefined;
  const parts: string[] = [];
  for (const name of Object.keys(feeds).toSorted()) {
    const t = feeds[name];
    if (!t || t.dims.length === 0 || !isNumeric(t.data)) {
      return undefined;
    }
    const first = t.dims[0] ?? 0;
    if (rows !== undefined && rows !== first) {
      return undefined;
    }
    rows = first;
    parts.push(`${name}:${t.type}:${t.dims.slice(1).join("x")}`);
  }
  return rows === undefined || rows === 0 ? undefined : { key: parts.join("|"), rows };
}

/** Stacks each input of every request along dimension 0. */
export function stackFeeds(requests: readonly Feeds[], TensorCtor: typeof Tensor): Feeds {
  const first = requests[0];
  if (!first) {
    throw new Error("nothing to stack");
  }
  const out: Feeds = {};
  for (const name of Object.keys(first)) {
    const parts = requests.map((r) => r[name] as Tensor);
    const total = parts.reduce((n, t) => n + (t.dims[0] ?? 0), 0);
    const data = concat(parts.map((t) => t.data as NumericData));
    out[name] = new TensorCtor(first[name]?.type as "float32", data as Float32Array, [
      total,
      ...(first[name]?.dims.slice(1) ?? []),
    ]);
  }
  return out;
}

/** Splits each output back into per-request tensors by the row counts the requests added. */
export function splitOutputs(outputs: Feeds, rows: readonly number[], TensorCtor: typeof Tensor): Feeds[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const results: Feeds[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    if ((t.dims[0] ?? -1) !== total || !isNumeric(t.data)) {
      throw new Error(`output ${name} has ${t.dims[0]} rows for a batch of ${total}`);
    }
    const data = t.data as NumericData;
    const perRow = data.length / total;
    let offset = 0;
    rows.forEach((n, i) => {
      const slice = data.slice(offset * perRow, (offset + n) * perRow);
      (results[i] as Feeds)[name] = new TensorCtor(t.type as "float32", slice as Float32Array, [n, ...t.dims.slice(1)]);
      offset += n;
    });
  }
  return results;
}

function isNumeric(data: unknown): data is NumericData {
  return ArrayBuffer.isView(data) && !(data instanceof DataView);
}

function concat(parts: readonly NumericData[]): NumericData {
  const first = parts[0];
  if (!first) {
    throw new Error("nothing to concatenate");
  }
  if (parts.length === 1) {
    return first;
  }
  const length = parts.reduce((n, p) => n + p.length, 0);
  const Ctor = first.constructor as new (n: number) => NumericData;
  const out = new Ctor(length);
  let offset = 0;
  for (const p of parts) {
    (out as Float32Array).set(p as Float32Array, offset);
    offset += p.length;
  }
  return out;
}
