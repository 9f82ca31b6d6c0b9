import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { decodeImage } from "../../../shared/image/decode-image.ts";
import { codeOf } from "../../support/api-error-code.ts";

function jpegOf(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) {
    data[i] = (i * 13) % 256;
  }
  return new Uint8Array(jpeg.encode({ width, height, data }, 90).data);
}

describe("bounded JPEG decoding", () => {
  it("refuses a JPEG with more scans than any encoder writes (each scan re-walks every block)", () => {
    const file = jpegOf(16, 16);
    let sos = -1;
    for (let i = 2; i < file.length - 1; i++) {
      if (file[i] === 0xff && file[i + 1] === 0xda) {
        sos = i;
        break;
      }
    }
    const scan = file.subarray(sos, file.length - 2); // SOS segment and its entropy-coded data, up to EOI
    const parts = [file.subarray(0, sos), ...Array.from({ length: 100 }, () => scan), new Uint8Array([0xff, 0xd9])];
    const many = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (many.set(p, at), at + p.length), 0);
    expect(decodeImage(file, 1000).width).toBe(16);
    expect(codeOf(() => decodeImage(many, 1000))).toBe("image_data_too_large");
  });

  it("answers image_data_too_large when the decode would pass its memory budget, image_too_large past the pixel cap", () => {
    const file = jpegOf(800, 800);
    expect(codeOf(() => decodeImage(file, 640_000))).toBe("image_data_too_large");
    expect(codeOf(() => decodeImage(file, 639_999))).toBe("image_too_large");
    expect(decodeImage(file, 4_194_304).width).toBe(800);
    expect(codeOf(() => decodeImage(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), 1000))).toBe("invalid_image");
  });
});
