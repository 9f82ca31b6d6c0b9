import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError, errorResponse } from "../../../shared/errors.ts";
import { checkJsonShape, DEFAULT_JSON_LIMITS, parseJsonWithin } from "../../../shared/http/json-shape.ts";
import { readJson } from "../../../shared/http/read-json.ts";
import { codeOf } from "../../support/api-error-code.ts";

/** The reader as the edge and origin routes use it, behind Hono. */
function echoApp(): Hono {
  const app = new Hono();
  app.post("/", async (c) => c.json(await readJson(c, z.object({ text: z.string() }).strict())));
  app.onError((error) => (ApiError.is(error) ? errorResponse(error) : new Response("unexpected", { status: 500 })));
  return app;
}

async function post(body: BodyInit): Promise<{ status: number; code?: string; text?: string }> {
  const res = await echoApp().request("/", { method: "POST", body, headers: { "content-type": "application/json" } });
  const json = (await res.json()) as { error?: { code: string }; text?: string };
  return { status: res.status, code: json.error?.code, text: json.text };
}

function manyKeys(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(`"k${i}":${i}`);
  }
  return `{${parts.join(",")}}`;
}

describe("JSON bodies: UTF-8", () => {
  it("refuses bytes that are not UTF-8 with 400 invalid_utf8, where text() would have replaced them", async () => {
    const prefix = new TextEncoder().encode('{"text":"caf');
    const suffix = new TextEncoder().encode('"}');
    for (const bad of [[0xe9], [0xc3], [0xed, 0xa0, 0x80], [0xff]]) {
      const body = new Uint8Array([...prefix, ...bad, ...suffix]);
      expect(await post(body)).toEqual({ status: 400, code: "invalid_utf8", text: undefined });
    }
  });

  it("accepts valid UTF-8, multi-byte characters and a leading BOM included", async () => {
    expect(await post('{"text":"café ✓ 😀"}')).toEqual({ status: 200, code: undefined, text: "café ✓ 😀" });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"text":"x"}')]);
    expect(await post(bom)).toEqual({ status: 200, code: undefined, text: "x" });
  });
});

describe("JSON bodies: shape limits in one pass before parsing", () => {
  it("refuses half a million keys at the first key past the limit, before the schema sees them", async () => {
    expect(await post(manyKeys(500_000))).toEqual({ status: 400, code: "object_too_large", text: undefined });
    // Refused during the scan: the broken tail after the 1,001st key is never parsed.
    expect(codeOf(() => parseJsonWithin(`${manyKeys(1_001).slice(0, -1)},"broken`, DEFAULT_JSON_LIMITS))).toBe(
      "object_too_large",
    );
    expect(codeOf(() => parseJsonWithin(manyKeys(1_000), DEFAULT_JSON_LIMITS))).toBe("no error");
  });

  it("counts objects and arrays, and values, across the whole body", () => {
    const small = { ...DEFAULT_JSON_LIMITS, maxContainers: 3, maxNodes: 6 };
    expect(codeOf(() => checkJsonShape('{"a":[{}],"b":{}}', small))).toBe("json_too_large");
    expect(codeOf(() => checkJsonShape('{"a":[{}],"b":1}', small))).toBe("no error");
    expect(codeOf(() => checkJsonShape("[1,2,3,4,5,6]", small))).toBe("json_too_large");
    expect(codeOf(() => checkJsonShape("[1,2,3,4,5]", small))).toBe("no error");
    expect(codeOf(() => checkJsonShape(`[${'{"a":1},'.repeat(200_000)}{}]`, DEFAULT_JSON_LIMITS))).toBe(
      "json_too_large",
    );
  });

  it("counts elements exactly: empty containers, nesting, whitespace and brackets inside strings", () => {
    const limits = { ...DEFAULT_JSON_LIMITS, maxArrayLength: 2, maxObjectKeys: 2 };
    expect(codeOf(() => checkJsonShape(' [ [1, 2] , { "a" : [ ] , "b" : "],[,{" } ] ', limits))).toBe("no error");
    expect(codeOf(() => checkJsonShape("[[], [], []]", limits))).toBe("array_too_long");
    expect(codeOf(() => checkJsonShape('{"a":{},"b":{},"c":{}}', limits))).toBe("object_too_large");
  });

  it("measures strings as JavaScript does, escapes counted once", () => {
    const limits = { ...DEFAULT_JSON_LIMITS, maxStringLength: 4 };
    expect(codeOf(() => checkJsonShape(String.raw`["\u00e9\n\"\\"]`, limits))).toBe("no error");
    expect(codeOf(() => checkJsonShape(String.raw`["\u00e9\n\"\\x"]`, limits))).toBe("string_too_long");
    expect(codeOf(() => checkJsonShape('{"abcde":1}', limits))).toBe("string_too_long");
  });
});
