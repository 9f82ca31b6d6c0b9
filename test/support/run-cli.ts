/**
 * Runs the real `edgefleet` command as a separate process, as a person would, and keeps its
 * exit code and output whether it succeeds or fails.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(process.cwd(), "cli/bin.mjs"), ...args], {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { ...process.env, NO_COLOR: "1", ...options.env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The `--json` output of a run that must have succeeded. */
export function cliJson<T>(r: CliResult): T {
  if (r.code !== 0) {
    throw new Error(`edgefleet exited ${r.code}: ${r.stderr}${r.stdout}`);
  }
  return JSON.parse(r.stdout) as T;
}
