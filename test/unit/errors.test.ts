import { describe, expect, it } from "vitest";
import { ApiError, errorResponse, toApiError } from "../../shared/errors.ts";

describe("errors", () => {
  it("answer in the OpenAI shape with retry-after when given", async () => {
    const res = errorResponse(new ApiError(503, "model_unavailable", "not yet", { retryAfter: 2.2 }));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.json()).toEqual({
      error: { message: "not yet", type: "server_error", param: null, code: "model_unavailable" },
    });
  });

  it("hide internals of unexpected failures", () => {
    const e = toApiError(new TypeError("secret path /etc/x"));
    expect(e.status).toBe(500);
    expect(e.message).not.toContain("secret");
  });
});
