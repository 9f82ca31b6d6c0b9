/**
 * @module
 * A small white PNG, made at run time, for warming up vision models.
 */
import { encode } from "fast-png";
import { bytesToBase64 } from "../base64.ts";

export function tinyPngBase64(width: number, height: number): string {
  const data = new Uint8Array(width * height * 3).fill(255);
  return bytesToBase64(encode({ width, height, data, channels: 3, depth: 8 }));
}
