/**
 * @module
 * Limits on the shape of a JSON request body, checked before any schema or model sees it:
 * nesting depth (scanned on the raw text, so a body of a million `[` never reaches the
 * recursive parser), array lengths and string lengths (walked iteratively after parsing).
 * Edge and origin share these rules so both refuse the same bodies with the same codes.
 */
import { ApiError } from "../errors.ts";

export interface JsonShapeLimits {
  maxDepth: number;
  maxArrayLength: number;
  maxStringLength: number;
}

/** Tensors in JSON are the longest legitimate arrays (a 4M-element cap is enforced per model later). */
export const DEFAULT_JSON_LIMITS: JsonShapeLimits = {
  maxDepth: 64,
  maxArrayLength: 4_000_000,
  maxStringLength: 16 * 2 ** 20,
};

/** 400 `json_too_deep` when objects and arrays nest deeper than the limit. */
export function checkJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) {
        i++;
      } else if (ch === 34 /* " */) {
        inString = false;
      }
    } else if (ch === 34) {
      inString = true;
    } else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      depth++;
      if (depth > maxDepth) {
        throw new ApiError(400, "json_too_deep", `The request body nests deeper than ${maxDepth} levels.`);
      }
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) {
      depth--;
    }
  }
}

/** 400 `array_too_long` / `string_too_long` for any array or string past the limits, anywhere in the value. */
export function checkJsonSizes(value: unknown, limits: JsonShapeLimits): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.length > limits.maxStringLength) {
        throw new ApiError(
          400,
          "string_too_long",
          `A string in the request body is longer than ${limits.maxStringLength} characters.`,
        );
      }
    } else if (Array.isArray(v)) {
      if (v.length > limits.maxArrayLength) {
        throw new ApiError(
          400,
          "array_too_long",
          `An array in the request body has more than ${limits.maxArrayLength} elements.`,
        );
      }
      for (const item of v) {
        if (typeof item === "object" || typeof item === "string") {
          stack.push(item);
        }
      }
    } else if (typeof v === "object" && v !== null) {
      for (const item of Object.values(v)) {
        stack.push(item);
      }
    }
  }
}

/** Parses a JSON body within the limits: 400 `invalid_json` for broken JSON, the codes above for shapes past them. */
export function parseJsonWithin(text: string, limits: JsonShapeLimits): unknown {
  checkJsonDepth(text, limits.maxDepth);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
  checkJsonSizes(body, limits);
  return body;
}
