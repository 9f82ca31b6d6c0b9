import { readFile } from "node:fs/promises";

/** CPU seconds (user + system) used so far by the processes with this name whose parent is this process. */
export async function childCpuSeconds(name: string): Promise<number> {
  const { readdir } = await import("node:fs/promises");
  let total = 0;
  for (const pid of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) {
      continue;
    }
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    if (comm === name && Number(fields[1]) === process.pid) {
      total += (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100 Hz)
    }
  }
  return total;
}
