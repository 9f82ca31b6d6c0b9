/**
 * @module
 * Target paths become URLs and file names, so only a safe alphabet is accepted: segments of
 * letters, digits and `._+@-`, no empty, `.` or `..` segment (path traversal caused CVEs in
 * python-tuf and go-tuf). With consistent snapshots a target is fetched at
 * `<dir>/<sha256>.<name>` (spec §5.7.3), the same URL tuf-js and python-tuf build.
 */
import { TufError } from "./errors.ts";
import type { TargetFile } from "./schema.ts";

const SEGMENT = /^[A-Za-z0-9_+@-][A-Za-z0-9._+@-]{0,127}$/;

export function isSafeTargetPath(path: string): boolean {
  const segments = path.split("/");
  return path.length <= 512 && segments.every((s) => SEGMENT.test(s) && s !== "." && s !== "..");
}

export function assertSafeTargetPath(path: string): void {
  if (!isSafeTargetPath(path)) {
    throw new TufError("PATH_REJECTED", path, "target paths are '/'-separated segments of A-Z a-z 0-9 . _ + @ -");
  }
}

/** The path a target is stored and fetched under: hash-prefixed when snapshots are consistent. */
export function targetFilePath(path: string, target: TargetFile, consistentSnapshot: boolean): string {
  assertSafeTargetPath(path);
  if (!consistentSnapshot) {
    return path;
  }
  const hash = target.hashes.sha256 ?? Object.values(target.hashes)[0];
  const slash = path.lastIndexOf("/");
  return slash < 0 ? `${hash}.${path}` : `${path.slice(0, slash)}/${hash}.${path.slice(slash + 1)}`;
}
