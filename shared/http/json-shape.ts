/**
 * @module
 * Limits on the shape of a JSON request body, checked before any schema or model sees it, in
 * one pass over the raw text that stops at the first limit crossed: nesting depth, elements per
 * array, keys per object, containers and values in the whole body, and string lengths. Only a
 * body within every limit reaches `JSON.parse`, so a hostile shape (a million `[`, half a million
 * keys) costs a scan of its first few kilobytes rather than a parse, a walk and a schema pass.
 * Edge and origin share these rules so both refuse the same bodies with the same codes.
 */
import { ApiError } from "../errors.ts";

export interface JsonShapeLimits {
  maxDepth: number;
  maxArrayLength: number;
  /** Keys in any one object (duplicates counted). */
  maxObjectKeys: number;
  /** Objects and arrays in the whole body: each costs an allocation and a schema pass. */
  maxContainers: number;
  /** Values in the whole body (array elements, object members and the root). */
  maxNodes: number;
  /** In UTF-16 code units, as JavaScript counts a string's length. */
  maxStringLength: number;
}

/**
 * Tensors in JSON are the longest legitimate arrays (a 4M-element cap is enforced per model
 * later); no request schema has objects of more than a few dozen keys, or needs more than a few
 * thousand objects (chat messages, raw tensor records).
 */
export const DEFAULT_JSON_LIMITS: JsonShapeLimits = {
  maxDepth: 64,
  maxArrayLength: 4_000_000,
  maxObjectKeys: 1_000,
  maxContainers: 100_000,
  maxNodes: 5_000_000,
  maxStringLength: 16 * 2 ** 20,
};

const QUOTE = 34;
const BACKSLASH = 92;
const LETTER_U = 117;
const COMMA = 44;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

function isSpace(ch: number): boolean {
  return ch === 32 || ch === 10 || ch === 13 || ch === 9;
}

/**
 * Throws 400 at the first limit the text crosses: `json_too_deep`, `array_too_long`,
 * `object_too_large`, `json_too_large` (containers or values in all) or `string_too_long`.
 * Exact for valid JSON; on broken JSON it may over-count, which only refuses earlier.
 */
export function checkJsonShape(text: string, limits: JsonShapeLimits): void {
  // Per open container: its element count; whether it is an object is kept alongside.
  const counts: number[] = [];
  const objects: boolean[] = [];
  let pendingElement = true;
  let containers = 0;
  let nodes = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (isSpace(ch)) {
      continue;
    }
    if (pendingElement && ch !== CLOSE_ARRAY && ch !== CLOSE_OBJECT) {
      pendingElement = false;
      nodes++;
      if (nodes > limits.maxNodes) {
        throw new ApiError(400, "json_too_large", `The request body holds more than ${limits.maxNodes} values.`);
      }
      const top = counts.length - 1;
      if (top >= 0) {
        const count = (counts[top] as number) + 1;
        counts[top] = count;
        if (objects[top] === true) {
          if (count > limits.maxObjectKeys) {
            throw new ApiError(
              400,
              "object_too_large",
              `An object in the request body has more than ${limits.maxObjectKeys} keys.`,
            );
          }
        } else if (count > limits.maxArrayLength) {
          throw new ApiError(
            400,
            "array_too_long",
            `An array in the request body has more than ${limits.maxArrayLength} elements.`,
          );
        }
      }
    }
    if (ch === QUOTE) {
      i = skipString(text, i + 1, limits.maxStringLength);
    } else if (ch === OPEN_ARRAY || ch === OPEN_OBJECT) {
      if (counts.length >= limits.maxDepth) {
        throw new ApiError(400, "json_too_deep", `The request body nests deeper than ${limits.maxDepth} levels.`);
      }
      containers++;
      if (containers > limits.maxContainers) {
        throw new ApiError(
          400,
          "json_too_large",
          `The request body holds more than ${limits.maxContainers} objects and arrays.`,
        );
      }
      counts.push(0);
      objects.push(ch === OPEN_OBJECT);
      pendingElement = true;
    } else if (ch === CLOSE_ARRAY || ch === CLOSE_OBJECT) {
      counts.pop();
      objects.pop();
      pendingElement = false;
    } else if (ch === COMMA) {
      pendingElement = true;
    }
  }
}

/** Returns the index of the string's closing quote (or the end), refusing it past the length limit. */
function skipString(text: string, start: number, maxLength: number): number {
  let length = 0;
  let i = start;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      return i;
    }
    // An escape is one character of the value: `\uXXXX` spans six of the text, others two.
    i += ch === BACKSLASH ? (text.charCodeAt(i + 1) === LETTER_U ? 6 : 2) : 1;
    length++;
    if (length > maxLength) {
      throw new ApiError(
        400,
        "string_too_long",
        `A string in the request body is longer than ${maxLength} characters.`,
      );
    }
  }
  return i;
}

/** Parses a JSON body within the limits: the codes above for shapes past them, then 400 `invalid_json` for broken JSON. */
export function parseJsonWithin(text: string, limits: JsonShapeLimits): unknown {
  checkJsonShape(text, limits);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
}
