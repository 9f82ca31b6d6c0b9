/**
 * @module
 * Turns `edgefleet publish <file|dir>` input into a model draft: the ONNX graph (exactly one
 * `.onnx`), auxiliary files by name, the graph's tensors (read with onnxruntime-node) and its
 * opset (read from the protobuf). Unreadable input is the user's to fix: a UserError.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ModelFile, RuntimeNeeds, Task } from "../../shared/manifest/model-manifest.ts";
import { onnxOpsets } from "../../shared/onnx/onnx-layout.ts";
import type { DraftFile, ModelDraft } from "../../shared/registry/publish.ts";
import { describeOnnx } from "../models/describe-onnx.ts";
import { UserError } from "../output.ts";

export interface ModelInputOptions {
  id: string;
  version: string;
  task: Task;
  description?: string;
  license?: string;
  parent?: string;
  settings?: Record<string, unknown>;
  metrics?: Record<string, number>;
  runtime?: Partial<RuntimeNeeds>;
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Role of an auxiliary file, by name: tokenizers and vocabularies, JSON configs, other dictionaries. */
function roleOf(name: string): ModelFile["role"] {
  if (/vocab|tokenizer|merges/i.test(name)) {
    return "vocab";
  }
  return name.endsWith(".json") ? "config" : "dictionary";
}

async function inputFiles(path: string): Promise<DraftFile[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!info.isDirectory()) {
    return [{ name: basename(path), role: "model", bytes: await readInput(path) }];
  }
  const entries = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const graphs = entries.filter((n) => n.endsWith(".onnx"));
  if (graphs.length !== 1) {
    throw new UserError(`${path} must hold exactly one .onnx file (found ${graphs.length})`);
  }
  const files: DraftFile[] = [];
  for (const name of entries.toSorted()) {
    files.push({
      name,
      role: name.endsWith(".onnx") ? "model" : roleOf(name),
      bytes: await readInput(join(path, name)),
    });
  }
  return files;
}

export async function readModelInput(path: string, o: ModelInputOptions): Promise<ModelDraft> {
  const files = await inputFiles(path);
  const graph = files.find((f) => f.role === "model");
  if (!graph) {
    throw new UserError(`${path} has no ONNX graph`);
  }
  let io;
  let opset: number | undefined;
  try {
    io = await describeOnnx(graph.bytes);
    opset = onnxOpsets(graph.bytes).get("");
  } catch (error) {
    throw new UserError(
      `${graph.name} is not a loadable ONNX model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    id: o.id,
    version: o.version,
    task: o.task,
    description: o.description,
    license: o.license,
    parent: o.parent,
    files,
    io,
    runtime: {
      execution_providers: ["webgpu", "wasm", "cpu", "cuda"],
      max_input_elements: 4_000_000,
      ...(opset ? { opset } : {}),
      ...o.runtime,
    },
    settings: o.settings ?? {},
    metrics: o.metrics ?? {},
  };
}
