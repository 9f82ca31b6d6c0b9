/**
 * docs/architecture.md is the map a newcomer follows: every file and folder it names by its full
 * path must exist, so a move or rename that forgets the map fails here instead of misleading.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const ROOMS = ["edge", "origin", "control", "device", "cli", "shared", "adapters", "test", "bench", "deploy", "docs"];

async function namedPaths(): Promise<string[]> {
  const text = await readFile("docs/architecture.md", "utf8");
  const paths = new Set<string>();
  for (const [, code] of text.matchAll(/`([^`\s]+)`/g)) {
    const path = code?.replace(/\/$/, "") ?? "";
    // Full paths from the repository root only; `<runtime>`-style placeholders and globs are prose.
    if (ROOMS.includes(path.split("/")[0] ?? "") && path.includes("/") && !/[<>*{]/.test(path)) {
      paths.add(path);
    }
  }
  return [...paths];
}

describe("docs/architecture.md", () => {
  it("names only paths that exist", async () => {
    const paths = await namedPaths();
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((p) => !existsSync(p))).toEqual([]);
  });
});
