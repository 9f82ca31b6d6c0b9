/**
 * @module
 * `edgefleet device status`: per model, the current and previous versions and when they were
 * verified; the signed metadata's expiry and whether the device is running on expired
 * metadata; the last sync's outcome. Offline: reads only the device directory.
 */
import { defineCommand } from "citty";
import type { DeviceStatus } from "../../device/device.ts";
import { jsonArg, printResult } from "../output.ts";
import { deviceAt, dirArg } from "./device-common.ts";

function check(ok: boolean | null | undefined): string {
  return ok === undefined || ok === null ? "" : ok ? " files ok" : " FILES DAMAGED";
}

function human(s: DeviceStatus): string {
  if (!s.metadata.synced && s.models.length === 0) {
    return `device ${s.dir} has never synced: connect it and run edgefleet device sync --server <url> --model <id> --dir ${s.dir}`;
  }
  const m = s.metadata;
  const lines = [
    `device ${s.dir}  server ${s.server ?? "-"}  channel ${s.channel ?? "-"}`,
    `metadata: targets v${m.versions.targets ?? "-"}, timestamp v${m.versions.timestamp ?? "-"}; ${
      m.expired
        ? `EXPIRED at ${m.expires} (${m.expiresRole}): running the last verified versions until a sync succeeds`
        : `valid until ${m.expires} (${m.expiresRole})`
    }`,
  ];
  if (s.lastSync) {
    lines.push(
      `last sync: ${s.lastSync.at} ${s.lastSync.ok ? "ok" : `failed (${s.lastSync.error?.code}: ${s.lastSync.error?.message})`}`,
    );
  }
  for (const model of s.models) {
    lines.push(
      `${model.model}: current ${model.current.version} (verified ${model.current.verified_at}${check(model.verified?.current)})` +
        (model.previous
          ? `, previous ${model.previous.version} (verified ${model.previous.verified_at}${check(model.verified?.previous)})`
          : ", no previous version") +
        (model.rolledBackFrom ? `; rolled back from ${model.rolledBackFrom.version}` : ""),
    );
  }
  if (s.models.length === 0) {
    lines.push("no models installed yet");
  }
  return lines.join("\n");
}

export const deviceStatusCommand = defineCommand({
  meta: { name: "status", description: "Installed versions, metadata expiry and the last sync (offline)" },
  args: {
    dir: dirArg,
    verify: { type: "boolean", description: "Hash every installed file again", default: false },
    json: jsonArg,
  },
  async run({ args }) {
    const status = await deviceAt(args.dir).status({ verify: args.verify });
    printResult(args.json, status, () => human(status));
    if (args.verify && status.models.some((m) => m.verified?.current === false)) {
      process.exitCode = 1;
    }
  },
});
