import { describe, expect, it } from "vitest";
import { timestampExpiresSeconds } from "../../../cli/registry/common-args.ts";

describe("--timestamp-expires", () => {
  it("reads durations of a minute or more", () => {
    expect(timestampExpiresSeconds("1d")).toBe(86_400);
    expect(timestampExpiresSeconds("60s")).toBe(60);
    expect(timestampExpiresSeconds("30m")).toBe(1_800);
  });

  it("names the rule a well-formed but too short value breaks: the 60-second minimum, not the format", () => {
    expect(() => timestampExpiresSeconds("3s")).toThrow(/at least 60 seconds/);
    expect(() => timestampExpiresSeconds("3s")).not.toThrow(/must look like|unit/);
  });

  it("says what the format is when the value is not a duration", () => {
    expect(() => timestampExpiresSeconds("3 days")).toThrow(/whole number and a unit \(d, h, m or s\)/);
  });
});
