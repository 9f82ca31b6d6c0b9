import { readdir, readFile } from "node:fs/promises";

/** Peak resident set (VmHWM) in MiB of this process's child processes with the given name (Linux /proc). */
export async function childPeakRssMb(name: string): Promise<number | undefined> {
  let peak: number | undefined;
  for (const pid of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    const comm = /^Name:\s+(\S+)/m.exec(status)?.[1];
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
    const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]);
    if (comm === name && ppid === process.pid && Number.isFinite(hwm)) {
      peak = Math.max(peak ?? 0, hwm / 1024);
    }
  }
  return peak;
}
