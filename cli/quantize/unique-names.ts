/**
 * @module
 * Hands out tensor and node names that clash with nothing in a model, subgraphs included.
 */
import type { OnnxGraph } from "../onnx/onnx-types.ts";
import { subgraphsOf } from "./weight-plan.ts";

export class UniqueNames {
  private readonly used = new Set<string>();

  constructor(graph: OnnxGraph) {
    this.addGraph(graph);
  }

  take(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.used.has(name); i++) {
      name = `${wanted}_${i}`;
    }
    this.used.add(name);
    return name;
  }

  private addGraph(graph: OnnxGraph): void {
    const add = (name: string | undefined): void => {
      if (name !== undefined && name !== "") {
        this.used.add(name);
      }
    };
    graph.initializer.forEach((t) => add(t.name));
    graph.input.forEach((i) => add(i.name));
    graph.output.forEach((o) => add(o.name));
    for (const node of graph.node) {
      add(node.name);
      node.input.forEach(add);
      node.output.forEach(add);
    }
    subgraphsOf(graph).forEach((sub) => this.addGraph(sub));
  }
}
