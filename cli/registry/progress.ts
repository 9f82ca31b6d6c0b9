/**
 * @module
 * The publish progress bar (cli-progress) on stderr, so stdout stays the command's result.
 * Silent with --json and when stderr is not a terminal.
 */
import cliProgress from "cli-progress";
import type { PublishProgress } from "../../shared/registry/publish.ts";

export interface ProgressBar {
  update(p: PublishProgress): void;
  stop(): void;
}

function mb(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}

export function publishProgressBar(enabled: boolean): ProgressBar {
  if (!enabled || !process.stderr.isTTY) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "publishing [{bar}] {percentage}% | {value}/{total} MB | {uploaded} chunks sent, {reused} already stored",
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      if (!started) {
        bar.start(mb(p.totalBytes), 0, { uploaded: 0, reused: 0 });
        started = true;
      }
      bar.update(mb(p.doneBytes), { uploaded: p.uploadedChunks, reused: p.reusedChunks });
    },
    stop() {
      if (started) {
        bar.stop();
      }
    },
  };
}
