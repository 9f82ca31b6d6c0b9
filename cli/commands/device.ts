/**
 * @module
 * `edgefleet device sync|run|status|rollback|build-app`: the offline device client (device/), and
 * the build of its browser version.
 */
import { defineCommand } from "citty";

export const deviceCommand = defineCommand({
  meta: { name: "device", description: "Offline device: pull signed updates, run models locally, roll back" },
  subCommands: {
    sync: () => import("./device-sync.ts").then((m) => m.deviceSyncCommand),
    run: () => import("./device-run.ts").then((m) => m.deviceRunCommand),
    status: () => import("./device-status.ts").then((m) => m.deviceStatusCommand),
    rollback: () => import("./device-rollback.ts").then((m) => m.deviceRollbackCommand),
    "build-app": () => import("./device-build-app.ts").then((m) => m.deviceBuildAppCommand),
  },
});
