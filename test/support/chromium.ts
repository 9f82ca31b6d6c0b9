/**
 * @module
 * Headless Chromium for browser tests and benches: Debian's `chromium` driven by playwright-core
 * (no browser download). The flags are the recipe in the shared notes: no sandbox (root in CI),
 * WebGPU on the SwiftShader software adapter, and no background networking (this machine's
 * closed network refuses Chromium's own calls home).
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.EDGEFLEET_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--no-sandbox",
  "--headless=new",
  "--enable-unsafe-webgpu",
  "--enable-unsafe-swiftshader",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Why no browser test can run here, or undefined when Chromium is installed. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set EDGEFLEET_CHROMIUM)`;
}

export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) {
    throw new Error(missing);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}
