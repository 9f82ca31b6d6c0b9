/**
 * @module
 * `edgefleet device run <model> <input>`: runs the model's current verified version on this
 * machine with onnxruntime-node, fully offline. `<input>` is what `POST /v1/predict` takes as
 * `input` — inline JSON, a JSON file, or `-` for stdin — and the answer has the same shape,
 * plus a `device` field (which version served, whether the metadata has expired).
 */
import { defineCommand } from "citty";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ApiError } from "../../shared/errors.ts";
import { jsonArg, printResult, UserError } from "../output.ts";
import { asDeviceUserErrors, deviceAt, dirArg } from "./device-common.ts";

const ParametersSchema = z.record(z.string(), z.unknown());

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) {
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString("utf8");
}

/** Inline JSON when it parses as JSON, else a file name (or `-`). */
async function readInput(arg: string): Promise<unknown> {
  const trimmed = arg.trim();
  if (/^[{["]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      throw new UserError("<input> looks like JSON but does not parse");
    }
  }
  let text: string;
  try {
    text = arg === "-" ? await readStdin() : await readFile(arg, "utf8");
  } catch (error) {
    throw new UserError(`cannot read ${arg}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UserError(`${arg} is not JSON`);
  }
}

export const deviceRunCommand = defineCommand({
  meta: {
    name: "run",
    description: "Run a model's current verified version locally, offline (answers like /v1/predict)",
  },
  args: {
    model: { type: "positional", description: "Model id", required: true },
    input: {
      type: "positional",
      description: "The predict input: inline JSON, a JSON file, or - for stdin",
      required: true,
    },
    parameters: { type: "string", description: "Predict parameters as a JSON object" },
    dir: dirArg,
    json: jsonArg,
  },
  async run({ args }) {
    const input = await readInput(args.input);
    let parameters: Record<string, unknown> = {};
    if (args.parameters !== undefined) {
      const parsed = ParametersSchema.safeParse(await readInput(args.parameters));
      if (!parsed.success) {
        throw new UserError("--parameters must be a JSON object");
      }
      parameters = parsed.data;
    }
    const device = deviceAt(args.dir);
    const answer = await asDeviceUserErrors(() => device.run(args.model, input, parameters)).catch((error: unknown) => {
      // A bad input is the user's to fix, with the same code /v1/predict would answer.
      if (ApiError.is(error) && error.status < 500) {
        throw new UserError(`${error.code}: ${error.message}`);
      }
      throw error;
    });
    if (answer.device.metadata_expired) {
      process.stderr.write(
        `warning: this device's signed metadata expired at ${answer.device.metadata_expires}; running the last verified version (${answer.model}@${answer.version}) until a sync succeeds\n`,
      );
    }
    if (answer.device.served === "previous") {
      process.stderr.write(
        `warning: the current version could not run (${answer.device.fallback_reason}); the previous one answered\n`,
      );
    }
    printResult(args.json, answer, () => JSON.stringify(answer, null, 2));
  },
});
