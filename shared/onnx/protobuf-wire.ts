/**
 * @module
 * A minimal reader of the protobuf wire format that reports where each field's bytes lie.
 * ONNX files are protobuf; knowing the byte range of an initializer's data lets tools read
 * opsets, find tensors and patch weights in place without re-serializing (which would move
 * every byte and defeat chunk reuse). protobufjs decodes to objects and drops the offsets.
 */

export interface WireField {
  field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wireType: number;
  /** For varints: the value (exact below 2^53). */
  value: number;
  /** For length-delimited fields: the payload's byte range. For others: the encoded value's range. */
  start: number;
  end: number;
}

/** Reads one varint at `pos`; returns the value and the position after it. */
export function readVarint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const b = bytes[pos + i];
    if (b === undefined) {
      throw new RangeError("truncated varint");
    }
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) {
      return [value, pos + i + 1];
    }
  }
  throw new RangeError("varint longer than 10 bytes");
}

/** The fields of the message in `bytes[start, end)`, in file order. */
export function* wireFields(bytes: Uint8Array, start = 0, end = bytes.byteLength): Generator<WireField> {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = readVarint(bytes, pos);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    let value = 0;
    let valueStart = afterKey;
    let valueEnd: number;
    switch (wireType) {
      case 0: {
        [value, valueEnd] = readVarint(bytes, afterKey);
        break;
      }
      case 1:
        valueEnd = afterKey + 8;
        break;
      case 2: {
        const [length, afterLength] = readVarint(bytes, afterKey);
        valueStart = afterLength;
        valueEnd = afterLength + length;
        break;
      }
      case 5:
        valueEnd = afterKey + 4;
        break;
      default:
        throw new RangeError(`unsupported protobuf wire type ${wireType} at byte ${pos}`);
    }
    if (valueEnd > end) {
      throw new RangeError(`protobuf field ${field} runs past its message (byte ${pos})`);
    }
    yield { field, wireType, value, start: valueStart, end: valueEnd };
    pos = valueEnd;
  }
}
