/**
 * A synthetic ONNX model written byte by byte (protobuf wire format, no onnx package needed):
 * a wide multi-layer perceptron, `y = relu(x·W1 + b1)·W2 + b2 …`, with a symbolic batch
 * dimension and deterministic pseudo-random weights. It stands in for the memory-bound models
 * (embedders, decoder layers) whose batching pays on CPU: at batch 1 each run streams every
 * weight from memory for one row; at batch 32 the same bytes serve 32 rows. No such model
 * ships in an npm package, and no model hub is reachable here.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BuiltModel, buildManifest } from "../../cli/models/build-manifest.ts";
import { tempDir } from "./temp-dir.ts";

type Field = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) {
      byte |= 0x80;
    }
    out.push(byte);
  } while (v > 0n);
  return out;
}

const bytes = (...parts: ReadonlyArray<Field | number[]>): Field => {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const vField = (no: number, value: number | bigint): Field => new Uint8Array([...varint(no << 3), ...varint(value)]);
const lField = (no: number, payload: Field): Field =>
  bytes([...varint((no << 3) | 2), ...varint(payload.length)], payload);
const sField = (no: number, s: string): Field => lField(no, new TextEncoder().encode(s));

function tensor(name: string, dims: number[], data: Float32Array): Field {
  return bytes(...dims.map((d) => vField(1, d)), vField(2, 1), sField(8, name), lField(9, new Uint8Array(data.buffer)));
}

function node(op: string, inputs: string[], output: string): Field {
  return bytes(...inputs.map((i) => sField(1, i)), sField(2, output), sField(3, `${op}_${output}`), sField(4, op));
}

function valueInfo(name: string, width: number): Field {
  const shape = bytes(lField(1, sField(2, "batch")), lField(1, vField(1, width)));
  const tensorType = bytes(vField(1, 1), lField(2, shape));
  return bytes(sField(1, name), lField(2, lField(1, tensorType)));
}

/** Deterministic weights in [-scale, scale] (a small LCG: same model bytes on every machine). */
function weights(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

export function mlpOnnx(widths: readonly number[]): Uint8Array {
  const nodes: Field[] = [];
  const inits: Field[] = [];
  let current = "x";
  for (let l = 0; l + 1 < widths.length; l++) {
    const [inW, outW] = [widths[l] as number, widths[l + 1] as number];
    inits.push(tensor(`w${l}`, [inW, outW], weights(inW * outW, 17 + l, 1 / Math.sqrt(inW))));
    inits.push(tensor(`b${l}`, [outW], weights(outW, 91 + l, 0.01)));
    const last = l + 2 === widths.length;
    nodes.push(node("MatMul", [current, `w${l}`], `mm${l}`));
    nodes.push(node("Add", [`mm${l}`, `b${l}`], last ? "y" : `add${l}`));
    if (!last) {
      nodes.push(node("Relu", [`add${l}`], `h${l}`));
      current = `h${l}`;
    }
  }
  const graph = bytes(
    ...nodes.map((n) => lField(1, n)),
    sField(2, "mlp"),
    ...inits.map((t) => lField(5, t)),
    lField(11, valueInfo("x", widths[0] as number)),
    lField(12, valueInfo("y", widths.at(-1) as number)),
  );
  return bytes(
    vField(1, 8),
    sField(2, "edgefleet-test"),
    lField(7, graph),
    lField(8, bytes(sField(1, ""), vField(2, 17))),
  );
}

/** The MLP as a model version with its manifest (raw-tensor task, batch dimension symbolic). */
export async function mlpModel(
  widths: readonly number[] = [256, 2048, 2048, 16],
  id = "mlp-wide",
): Promise<BuiltModel> {
  const path = join(await tempDir("mlp"), `${id}.onnx`);
  await writeFile(path, mlpOnnx(widths));
  return buildManifest({
    id,
    version: "1.0.0",
    task: "raw",
    description: `synthetic MLP ${widths.join("→")} (memory-bound stand-in for batching)`,
    model: path,
    runtime: { execution_providers: ["cuda", "cpu", "wasm"] },
  });
}
