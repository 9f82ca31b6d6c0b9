/**
 * @module
 * One writer at a time across processes: `withFileLock(path, fn)` creates `path` exclusively
 * (O_CREAT | O_EXCL) holding who took it, runs `fn`, and removes it. The device client holds
 * `<device>/.lock` for `sync` and `rollback`; the CLI holds `<registry>/.lock` for every write
 * to a local registry (init, publish, key changes), so two publishes cannot both sign the same
 * next metadata version.
 *
 * The stale-lock rule — when a lock left behind may be taken over — is **pid liveness**, not
 * age. A sync of a large model or a publish over a slow link holds the lock for minutes; an age
 * rule would hand a live writer's lock to a second writer, which is the one failure the lock
 * exists to prevent (two writers of the same TUF version, or of the same device pointers). A
 * pid that is not a live process on this host proves the holder is gone (a sync killed
 * mid-install, a power cut), so a crash never locks a device out; pid reuse can only make a
 * dead holder look alive, the safe direction (the user is told which pid holds it). A lock
 * taken on another host (a directory on a network share) cannot be judged from here and is
 * always respected. Age is used only where the hold is bounded to a few file operations: a
 * lock whose content does not parse (its taker died between creating and writing it) and the
 * takeover guard below are stale after `BOUNDED_HOLD_MS`.
 *
 * Taking over is guarded too: two processes that find the same stale lock must not both take
 * it. The taker creates `<path>.takeover` exclusively, reads the lock again under it (another
 * process may have taken it over meanwhile), and only then replaces it.
 */
import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { z } from "zod";

/** Longer than any create-then-write or takeover could take; a crash's leftovers are older. */
const BOUNDED_HOLD_MS = 30_000;

const HolderSchema = z.object({ pid: z.number().int().positive(), host: z.string(), since: z.string() });
type Holder = z.infer<typeof HolderSchema>;

/** Who holds a lock, as far as its file says; `undefined` when the file does not parse. */
export class LockHeldError extends Error {
  override readonly name = "LockHeldError";
  readonly path: string;
  readonly holder: Holder | undefined;

  constructor(path: string, holder: Holder | undefined) {
    const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}` : "a process that left no pid";
    super(`${path} is held by ${who}`);
    this.path = path;
    this.holder = holder;
  }

  /** Works across bundle copies, where `instanceof` would not. */
  static is(value: unknown): value is LockHeldError {
    return value instanceof Error && value.name === "LockHeldError" && "path" in value;
  }
}

type LockFile = { state: "absent" } | { state: "held"; holder: Holder | undefined; ageMs: number };

async function createExclusive(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      return false;
    }
    throw error;
  }
  try {
    const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

async function readLock(path: string): Promise<LockFile> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(path, "utf8"), stat(path)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { state: "absent" };
    }
    throw error;
  }
  let holder: Holder | undefined;
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(text));
    holder = parsed.success ? parsed.data : undefined;
  } catch {
    holder = undefined;
  }
  return { state: "held", holder, ageMs: Date.now() - mtimeMs };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The stale-lock rule (see the module comment). */
function isStale(lock: LockFile): boolean {
  if (lock.state === "absent") {
    return true;
  }
  if (lock.holder === undefined) {
    return lock.ageMs > BOUNDED_HOLD_MS;
  }
  return lock.holder.host === hostname() && !alive(lock.holder.pid);
}

/** Replaces a stale lock with ours, under the takeover guard; false when someone else has it. */
async function takeOver(path: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard))) {
    const left = await readLock(guard);
    if (left.state === "held" && left.ageMs > BOUNDED_HOLD_MS) {
      // A taker crashed inside its takeover; the next attempt may proceed.
      await rm(guard, { force: true });
    }
    return false;
  }
  try {
    // Read again under the guard: between our first read and now another taker may have won.
    if (!isStale(await readLock(path))) {
      return false;
    }
    await rm(path, { force: true });
    return await createExclusive(path);
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Runs `fn` holding the lock at `path` (its directory is created). Throws `LockHeldError`
 * when a live process holds it; takes over a stale one.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  if (!(await createExclusive(path))) {
    const lock = await readLock(path);
    if (!isStale(lock) || !(await takeOver(path))) {
      const now = await readLock(path);
      throw new LockHeldError(path, now.state === "held" ? now.holder : undefined);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
