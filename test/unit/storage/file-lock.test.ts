// The one cross-process lock (device directory, local registry): a second writer is refused
// while the first holds it, a lock left by a dead process is taken over, a live or foreign
// holder is respected, and two takers of the same stale lock never both get it.
import { spawnSync } from "node:child_process";
import { access, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { LockHeldError, withFileLock } from "../../../adapters/node/file-lock.ts";
import { tempDir } from "../../support/temp-dir.ts";

/** A pid that was a process a moment ago and is not one now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  expect(child.pid).toBeGreaterThan(0);
  return child.pid as number;
}

function holderLine(pid: number, host = hostname()): string {
  return `${JSON.stringify({ pid, host, since: new Date().toISOString() })}\n`;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("withFileLock", () => {
  it("refuses a second holder while the first runs, and frees the lock after", async () => {
    const lock = join(await tempDir("lock"), ".lock");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = withFileLock(lock, async () => {
      await gate;
      return "first";
    });
    await vi.waitFor(async () => expect(await exists(lock)).toBe(true));
    await expect(withFileLock(lock, () => Promise.resolve("second"))).rejects.toSatisfy(
      (error) => LockHeldError.is(error) && error.holder?.pid === process.pid,
    );
    release();
    await expect(first).resolves.toBe("first");
    expect(await exists(lock)).toBe(false);
    await expect(withFileLock(lock, () => Promise.resolve("third"))).resolves.toBe("third");
  });

  it("takes over a lock whose process is gone", async () => {
    const lock = join(await tempDir("lock"), ".lock");
    await writeFile(lock, holderLine(deadPid()));
    const held = await withFileLock(lock, async () => JSON.parse(await readFile(lock, "utf8")) as { pid: number });
    expect(held.pid).toBe(process.pid);
    expect(await exists(lock)).toBe(false);
  });

  it("respects a lock held by a live process, and one taken on another host", async () => {
    const dir = await tempDir("lock");
    const live = join(dir, "live.lock");
    const liveLine = holderLine(process.ppid);
    await writeFile(live, liveLine);
    await expect(withFileLock(live, () => Promise.resolve())).rejects.toSatisfy(
      (error) => LockHeldError.is(error) && error.holder?.pid === process.ppid,
    );
    expect(await readFile(live, "utf8")).toBe(liveLine);

    const foreign = join(dir, "foreign.lock");
    await writeFile(foreign, holderLine(deadPid(), `not-${hostname()}`));
    await expect(withFileLock(foreign, () => Promise.resolve())).rejects.toBeInstanceOf(LockHeldError);
    expect(await exists(foreign)).toBe(true);
  });

  it("gives a stale lock to exactly one of two concurrent takers", async () => {
    const lock = join(await tempDir("lock"), ".lock");
    await writeFile(lock, holderLine(deadPid()));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inside = 0;
    const hold = async () => {
      inside++;
      await gate;
    };
    const takers = [withFileLock(lock, hold), withFileLock(lock, hold)].map((p) =>
      p.then(
        () => "held",
        (error: unknown) => (LockHeldError.is(error) ? "refused" : error),
      ),
    );
    let settled = 0;
    for (const t of takers) {
      void t.then(() => settled++);
    }
    // One taker is inside (holding) and the other has given up; neither finishes until released.
    await vi.waitFor(() => expect(inside + settled).toBe(2));
    expect(inside).toBe(1);
    release();
    expect((await Promise.all(takers)).toSorted()).toEqual(["held", "refused"]);
  });
});
