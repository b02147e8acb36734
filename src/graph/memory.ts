// What evaluating a sub-graph would allocate, estimated from the graph alone:
// float32 weights of its layers plus every tensor it computes, with each None
// (or data-dependent) dimension taken as the batch size on the first axis and
// as `otherNoneSize` elsewhere (the size the engine tries first for them).

import type { ExportedSubgraph } from './keras-json.js';
import type { ModelGraph } from './ir.js';
import { isKnown, type Shape } from './shape.js';

const bytesPerValue = 4;

/** Sizes tried, in order, for a None dimension other than the batch: the engine feeds the first that every layer accepts. */
export const freeDimensionSizes = [32, 64, 128, 256] as const;

export interface MemoryEstimate {
  readonly weightBytes: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
}

export function estimateMemory(
  graph: ModelGraph,
  exported: ExportedSubgraph,
  batchSize: number,
  otherNoneSize: number = freeDimensionSizes[0],
): MemoryEstimate {
  const size = (shape: Shape): number =>
    shape.reduce<number>((total, d, axis) => total * (isKnown(d) ? d : axis === 0 ? batchSize : otherNoneSize), 1);
  let weights = 0;
  const tensors = new Set<number>(exported.inputs);
  for (const layerId of exported.layerNames.keys()) {
    const layer = graph.layers[layerId]!;
    // Unknown only through data-dependent sizes, which evaluation sets to the batch size: small.
    weights += layer.params ?? 0;
    for (const callId of layer.calls) for (const t of graph.calls[callId]!.outputs) tensors.add(t);
  }
  let activations = 0;
  for (const t of tensors) activations += size(graph.tensors[t]!.shape);
  return {
    weightBytes: weights * bytesPerValue,
    activationBytes: activations * bytesPerValue,
    totalBytes: (weights + activations) * bytesPerValue,
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
