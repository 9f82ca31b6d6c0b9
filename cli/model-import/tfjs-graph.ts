/**
 * @module
 * Read access to a TF.js GraphDef: nodes by name, constant values, attributes, and `expect`
 * checks that fail loudly when the graph is not the one an importer was written for.
 */
import { z } from "zod";
import type { TfjsNode } from "./tfjs-model-json.ts";
import type { TfjsWeight } from "./tfjs-weights.ts";

const BoolAttr = z.object({ b: z.boolean() });
const StringAttr = z.object({ s: z.union([z.array(z.number().int()), z.string()]) });
const IntListAttr = z.object({ list: z.object({ i: z.array(z.union([z.string(), z.number()])).default([]) }) });

export class TfGraph {
  private readonly nodes: Map<string, TfjsNode>;
  private readonly consumers = new Map<string, string[]>();
  private readonly weights: Map<string, TfjsWeight>;

  constructor(nodes: readonly TfjsNode[], weights: Map<string, TfjsWeight>) {
    this.nodes = new Map(nodes.map((n) => [n.name, n]));
    this.weights = weights;
    for (const node of nodes) {
      for (const input of node.input) {
        const source = input.replace(/:\d+$/, "");
        this.consumers.set(source, [...(this.consumers.get(source) ?? []), node.name]);
      }
    }
  }

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  node(name: string): TfjsNode {
    const node = this.nodes.get(name);
    if (node === undefined) {
      throw new Error(`TF.js graph has no node ${name}`);
    }
    return node;
  }

  /** Names of the nodes that read any output of `name`. */
  consumersOf(name: string): readonly string[] {
    return this.consumers.get(name) ?? [];
  }

  /**
   * Checks that `name` is an `op` node; with `inputs`, also checks its inputs in order
   * (`undefined` entries are not checked). Returns the node.
   */
  expect(name: string, op: string, inputs?: readonly (string | undefined)[]): TfjsNode {
    const node = this.node(name);
    if (node.op !== op) {
      throw new Error(`TF.js node ${name} is ${node.op}, expected ${op}`);
    }
    if (inputs !== undefined) {
      if (node.input.length !== inputs.length) {
        throw new Error(`TF.js node ${name} has ${node.input.length} inputs, expected ${inputs.length}`);
      }
      inputs.forEach((expected, i) => {
        if (expected !== undefined && node.input[i] !== expected) {
          throw new Error(`TF.js node ${name} input ${i} is ${node.input[i]}, expected ${expected}`);
        }
      });
    }
    return node;
  }

  /** Input `index` of node `name`. */
  input(name: string, index: number): string {
    const input = this.node(name).input[index];
    if (input === undefined) {
      throw new Error(`TF.js node ${name} has no input ${index}`);
    }
    return input;
  }

  /** A float32 constant, with its shape checked when `shape` is given (-1 matches any size). */
  floats(name: string, shape?: readonly number[]): { data: Float32Array; shape: readonly number[] } {
    const weight = this.constWeight(name);
    if (!(weight.data instanceof Float32Array)) {
      throw new Error(`TF.js constant ${name} is not float32`);
    }
    if (shape !== undefined) {
      const matches = shape.length === weight.shape.length && shape.every((d, i) => d === -1 || d === weight.shape[i]);
      if (!matches) {
        throw new Error(
          `TF.js constant ${name} has shape [${weight.shape.join(", ")}], expected [${shape.join(", ")}]`,
        );
      }
    }
    return { data: weight.data, shape: weight.shape };
  }

  /** A constant with exactly one value (int or float). */
  scalar(name: string): number {
    const { data } = this.constWeight(name);
    const value = data[0];
    if (data.length !== 1 || value === undefined) {
      throw new Error(`TF.js constant ${name} is not a scalar`);
    }
    return value;
  }

  /** The values of an int32 constant. */
  ints(name: string): number[] {
    const { data } = this.constWeight(name);
    if (!(data instanceof Int32Array)) {
      throw new Error(`TF.js constant ${name} is not int32`);
    }
    return Array.from(data);
  }

  attrBool(name: string, key: string): boolean {
    return this.attr(BoolAttr, name, key).b;
  }

  attrString(name: string, key: string): string {
    const { s } = this.attr(StringAttr, name, key);
    return typeof s === "string" ? atob(s) : String.fromCharCode(...s);
  }

  attrInts(name: string, key: string): number[] {
    return this.attr(IntListAttr, name, key).list.i.map(Number);
  }

  private attr<T>(schema: z.ZodType<T>, name: string, key: string): T {
    const result = schema.safeParse(this.node(name).attr[key]);
    if (!result.success) {
      throw new Error(`TF.js node ${name}: attribute ${key} is missing or malformed (${result.error.message})`);
    }
    return result.data;
  }

  private constWeight(name: string): TfjsWeight {
    this.expect(name, "Const");
    const weight = this.weights.get(name);
    if (weight === undefined) {
      throw new Error(`TF.js constant ${name} has no value in the weight shards`);
    }
    return weight;
  }
}
