/**
 * @module
 * The sync progress bar (cli-progress) on stderr, one bar per model being downloaded; silent
 * with --json and when stderr is not a terminal, so stdout stays the command's result.
 */
import cliProgress from "cli-progress";
import type { SyncProgress } from "../../shared/device-update/updater.ts";

export interface SyncBar {
  update(p: SyncProgress): void;
  stop(): void;
}

const kb = (n: number) => Math.round(n / 1e3);

export function syncProgressBar(enabled: boolean): SyncBar {
  if (!enabled || !process.stderr.isTTY) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: "{model} {version} [{bar}] {percentage}% | {value}/{total} KB",
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const byModel = new Map<string, cliProgress.SingleBar>();
  return {
    update(p) {
      if (p.totalBytes === 0) {
        return;
      }
      let bar = byModel.get(p.model);
      if (!bar) {
        bar = bars.create(kb(p.totalBytes), 0, { model: p.model, version: p.version });
        byModel.set(p.model, bar);
      }
      bar.update(kb(p.doneBytes));
    },
    stop() {
      bars.stop();
    },
  };
}
