/**
 * @module
 * Reads an ONNX model's input and output tensors (names, dtypes, shapes) with
 * onnxruntime-node, so a manifest states them and requests can be checked before inference.
 */
import * as ort from "onnxruntime-node";
import { type ModelIo, type TensorSpec, TensorDTypeSchema } from "../../shared/manifest/tensor-spec.ts";

interface ValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

export async function describeOnnx(bytes: Uint8Array): Promise<ModelIo> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const meta = session as unknown as { inputMetadata: ValueMetadata[]; outputMetadata: ValueMetadata[] };
    return { inputs: meta.inputMetadata.map(toSpec), outputs: meta.outputMetadata.map(toSpec) };
  } finally {
    await session.release();
  }
}

function toSpec(m: ValueMetadata): TensorSpec {
  const dtype = TensorDTypeSchema.safeParse(m.type);
  if (!m.isTensor || !dtype.success) {
    throw new Error(
      `${m.name}: only tensors of ${TensorDTypeSchema.options.join(", ")} are supported (got ${m.type ?? "non-tensor"})`,
    );
  }
  const shape = (m.shape ?? []).map((d) => (typeof d === "number" && d >= 0 ? d : String(d).slice(0, 64) || "dim"));
  return { name: m.name, dtype: dtype.data, shape };
}
