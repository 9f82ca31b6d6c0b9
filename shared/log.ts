/**
 * @module
 * Structured logs: one JSON object per line, with an event name and fields.
 * Workers Logs indexes the fields; on Node the same lines go to stdout.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/** Writes JSON lines through `console` (workerd, Node and browsers all have it). */
export function jsonLogger(base: Record<string, unknown> = {}, minLevel: LogLevel = "info"): Logger {
  const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
  return {
    log(level, event, fields = {}) {
      if (order[level] < order[minLevel]) {
        return;
      }
      const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields });
      if (level === "error" || level === "warn") {
        console.error(line);
      } else {
        console.log(line);
      }
    },
  };
}

/** A logger that drops everything (tests and benches that measure). */
export const silentLogger: Logger = { log() {} };
