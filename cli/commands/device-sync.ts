/**
 * @module
 * `edgefleet device sync --server <url> --dir <path> [--model <id>[,<id>…]] [--channel <c>]`:
 * pulls signed updates and installs them atomically. Exit 0 when every model is current;
 * exit 1 when the registry's metadata was refused (ROLLBACK, EXPIRED, …) or a model failed —
 * the device then keeps running what it ran, and the output says what that is.
 */
import { defineCommand } from "citty";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { DeviceError } from "../../shared/device-update/device-error.ts";
import { TufError } from "../../shared/tuf/errors.ts";
import type { DeviceSyncResult } from "../../device/device.ts";
import { jsonArg, printResult, UserError } from "../output.ts";
import { asDeviceUserErrors, deviceAt, dirArg, kb } from "./device-common.ts";
import { syncProgressBar } from "./device-progress.ts";

const ServerSchema = z.url({ protocol: /^https?$/, error: "--server must be an http(s) URL" });
const ModelsSchema = z
  .string()
  .transform((s) => s.split(",").map((m) => m.trim()))
  .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "model ids are a-z 0-9 . _ -")).min(1));

function parseOr<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new UserError(parsed.error.issues.map((i) => i.message).join("; "));
  }
  return parsed.data;
}

/** A disk or system error (ENOSPC, EACCES…): not a bug, one line is enough. */
function ioCode(error: unknown): string | null {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? code : null;
}

function summary(result: DeviceSyncResult): string {
  const m = result.metadata;
  const lines = [
    `registry ${result.server} (channel ${result.channel}): root v${m.root}, targets v${m.targets}, snapshot v${m.snapshot}, timestamp v${m.timestamp} verified`,
  ];
  if (result.trust === "first-use") {
    lines.push(`  trusted the registry's root on first use (pin one with --trusted-root)`);
  }
  for (const r of result.models) {
    const what =
      r.status === "installed"
        ? `installed ${r.version}${r.previous ? ` (previous ${r.previous} kept for rollback)` : ""}: fetched ${r.chunks.downloaded} of ${r.chunks.total} chunks, ${kb(r.bytes.downloaded)} of ${kb(r.bytes.total)}`
        : r.status === "up-to-date"
          ? `up to date at ${r.version}`
          : r.status === "held"
            ? `staying at ${r.version}: ${r.target} was rolled back on this device (roll back again to return to it)`
            : r.status === "not-published"
              ? `nothing published on this channel${r.version ? `; keeping ${r.version}` : ""}`
              : `FAILED (${r.error?.code}): ${r.error?.message}${r.version ? `; still running ${r.version}` : ""}`;
    lines.push(`${r.model}: ${what}`);
  }
  lines.push(`downloaded ${kb(result.bytesDownloaded)} in all (metadata, manifests, chunks)`);
  return lines.join("\n");
}

export const deviceSyncCommand = defineCommand({
  meta: {
    name: "sync",
    description: "Pull signed model updates (only missing chunks, resumable) and install them atomically",
  },
  args: {
    server: { type: "string", description: "Registry URL (needed on the first sync, remembered after)" },
    dir: dirArg,
    model: { type: "string", description: "Model id(s), comma-separated (default: the models on this device)" },
    channel: { type: "string", description: "Channel: latest (default), or a pre-release tag such as beta" },
    "trusted-root": {
      type: "string",
      description: "Root metadata to trust on the first sync (default: the server's 1.root.json)",
    },
    json: jsonArg,
  },
  async run({ args }) {
    const server = args.server === undefined ? undefined : parseOr(ServerSchema, args.server);
    const models = args.model === undefined ? undefined : parseOr(ModelsSchema, args.model);
    let trustedRoot: Uint8Array | undefined;
    if (args["trusted-root"] !== undefined) {
      try {
        trustedRoot = new Uint8Array(await readFile(args["trusted-root"]));
      } catch (error) {
        throw new UserError(
          `cannot read ${args["trusted-root"]}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        );
      }
    }
    const device = deviceAt(args.dir);
    const bar = syncProgressBar(!args.json);
    let result: DeviceSyncResult;
    try {
      result = await asDeviceUserErrors(() =>
        device.sync({
          ...(server ? { server } : {}),
          ...(args.channel ? { channel: args.channel } : {}),
          ...(models ? { models } : {}),
          ...(trustedRoot ? { trustedRoot } : {}),
          onProgress: (p) => bar.update(p),
        }),
      );
    } catch (error) {
      bar.stop();
      const code = TufError.is(error) || DeviceError.is(error) ? error.code : ioCode(error);
      if (code === null || !(error instanceof Error)) {
        throw error;
      }
      // Refused: nothing was installed; say what keeps running.
      const status = await device.status();
      const running = status.models.map((m) => ({ model: m.model, version: m.current.version }));
      printResult(
        args.json,
        { ok: false, error: { code, message: error.message }, running, metadata: status.metadata },
        () =>
          [
            `${code === "DOWNLOAD_FAILED" || code === "LOCKED" || code === ioCode(error) ? "sync failed" : "sync refused"}: ${error.message}`,
            running.length > 0
              ? `still running ${running.map((r) => `${r.model}@${r.version}`).join(", ")}${status.metadata.expired ? " (on expired metadata)" : ""}`
              : "nothing is installed on this device yet",
          ].join("\n"),
      );
      process.exitCode = 1;
      return;
    }
    bar.stop();
    printResult(args.json, result, () => summary(result));
    if (!result.ok) {
      process.exitCode = 1;
    }
  },
});
