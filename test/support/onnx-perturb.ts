/**
 * A one-tensor edit of an ONNX model, the smallest realistic new version (a fine-tune that
 * touched one layer): the float32 weights of one tensor are scaled in place, so every other
 * byte of the file stays where it was and the file is still a valid model.
 */
import { onnxWeights, type WeightLayout } from "../../shared/onnx/onnx-layout.ts";

const FLOAT32 = 1;

/** The float32 weight tensors of a model, smallest first. */
export function float32Weights(model: Uint8Array): WeightLayout[] {
  return onnxWeights(model)
    .filter((w) => w.dataType === FLOAT32 && (w.dataEnd - w.dataStart) % 4 === 0)
    .toSorted((a, b) => a.dataEnd - a.dataStart - (b.dataEnd - b.dataStart));
}

/** A copy of `model` with every weight of `tensor` multiplied by `factor`. */
export function perturbTensor(model: Uint8Array, tensor: WeightLayout, factor = 1.001): Uint8Array {
  const out = model.slice();
  const view = new DataView(out.buffer, out.byteOffset + tensor.dataStart, tensor.dataEnd - tensor.dataStart);
  for (let i = 0; i < view.byteLength; i += 4) {
    view.setFloat32(i, view.getFloat32(i, true) * factor, true);
  }
  return out;
}
