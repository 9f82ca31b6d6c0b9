/**
 * @module
 * `edgefleet device build-app [--out dist/device]`: builds the browser device (page, bundle,
 * service worker, onnxruntime-web files) into static files; `edgefleet control serve
 * --device-app <dir>` serves them at `/device/`.
 */
import { defineCommand } from "citty";
import { jsonArg, printResult } from "../output.ts";

export const deviceBuildAppCommand = defineCommand({
  meta: { name: "build-app", description: "Build the browser device into static files (served at /device/)" },
  args: {
    out: { type: "string", default: "dist/device", description: "Output folder (replaced)" },
    json: jsonArg,
  },
  async run({ args }) {
    const { buildDeviceApp } = await import("../browser/build-device-app.ts");
    const built = await buildDeviceApp(args.out);
    printResult(args.json, built, () => `browser device ${built.buildId} built in ${built.dir}`);
  },
});
