/**
 * @module
 * A small builder for ONNX graphs: named nodes, initializers, typed inputs and outputs.
 * Every node has a caller-given name (its single output takes the same name), so a built graph
 * reads like the architecture it encodes and builds byte-identically every time.
 */
import {
  AttributeType,
  type OnnxAttribute,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from "./onnx-types.ts";

/** An attribute value with its ONNX type spelled out (1 and 1.0 are different attributes). */
export type AttributeValue = Omit<OnnxAttribute, "name">;

export const attr = {
  int: (i: number): AttributeValue => ({ type: AttributeType.INT, i }),
  float: (f: number): AttributeValue => ({ type: AttributeType.FLOAT, f }),
  ints: (ints: readonly number[]): AttributeValue => ({ type: AttributeType.INTS, ints: [...ints] }),
};

/** A dimension: a fixed size or a symbolic name such as "batch". */
export type Dim = number | string;

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): OnnxValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface ModelOptions {
  readonly opset: number;
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly graphName: string;

  constructor(graphName: string) {
    this.graphName = graphName;
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: readonly Dim[]): void {
    if (!this.names.has(name)) {
      throw new Error(`graph output ${name} is not produced by any node`);
    }
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a constant tensor; returns its name for use as a node input. */
  initializer(tensor: OnnxTensor): string {
    const name = tensor.name ?? "";
    this.claim(name);
    this.initializers.push(tensor);
    return name;
  }

  /** Adds a node with one output named `name`; returns that output. */
  op(
    opType: string,
    inputs: readonly string[],
    name: string,
    attrs: Readonly<Record<string, AttributeValue>> = {},
  ): string {
    const [output] = this.opMulti(opType, inputs, name, 1, attrs);
    if (output === undefined) {
      throw new Error(`node ${name} has no output`);
    }
    return output;
  }

  /** Adds a node with `outputCount` outputs named `name:0`, `name:1`, …; returns them. */
  opMulti(
    opType: string,
    inputs: readonly string[],
    name: string,
    outputCount: number,
    attrs: Readonly<Record<string, AttributeValue>> = {},
  ): string[] {
    for (const input of inputs) {
      if (input !== "" && !this.names.has(input)) {
        throw new Error(`node ${name} reads ${input}, which nothing defines yet`);
      }
    }
    const outputs = outputCount === 1 ? [name] : Array.from({ length: outputCount }, (_, i) => `${name}:${i}`);
    outputs.forEach((o) => this.claim(o));
    this.nodes.push({
      name,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([key, value]) => ({ ...value, name: key })),
    });
    return outputs;
  }

  model(options: ModelOptions): OnnxModel {
    return {
      irVersion: options.irVersion,
      opsetImport: [{ domain: "", version: options.opset }],
      producerName: options.producerName,
      producerVersion: options.producerVersion,
      ...(options.docString === undefined ? {} : { docString: options.docString }),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
  }

  private claim(name: string): void {
    if (name === "" || this.names.has(name)) {
      throw new Error(`tensor name ${JSON.stringify(name)} is empty or already used`);
    }
    this.names.add(name);
  }
}
