/**
 * @module
 * A JSON-lines logger that appends to a file instead of stdout, so the services `edgefleet
 * dev` runs in one process keep their logs apart (`<state>/logs/<service>.log`) and the
 * terminal shows only the network's own messages.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Logger, LogLevel } from "../../shared/log.ts";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function fileLogger(path: string, base: Record<string, unknown>, minLevel: LogLevel = "info"): Logger {
  mkdirSync(dirname(path), { recursive: true });
  return {
    log(level, event, fields = {}) {
      if (ORDER[level] >= ORDER[minLevel]) {
        // Synchronous on purpose: a line is on disk before the answer it describes leaves.
        appendFileSync(
          path,
          `${JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields })}\n`,
        );
      }
    },
  };
}
