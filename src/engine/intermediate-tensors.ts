// TensorFlow.js's runInternalGraph keeps every tensor of a run until it ends: a ResNet-50 forward holds all of its
// activations at once, and each layer's output takes fresh memory instead of the memory of a tensor no longer read.
// This frees each intermediate tensor as soon as every node that reads it has run (its call and its mask), as
// tfjs-layers' own executor does for predict. A tensor is kept when it is an output or a feed, when a layer called
// more than once reads it (which of its calls is running is not known), when a mask is it, or while another symbolic
// tensor still to be read stands for the same tensor (a layer that returns its input).

import type * as tf from '@tensorflow/tfjs';

interface GraphNode {
  readonly outboundLayer: tf.layers.Layer;
  readonly inputTensors: readonly tf.SymbolicTensor[];
  readonly outputTensors: readonly tf.SymbolicTensor[];
}

type Call = tf.layers.Layer['call'];
type ComputeMask = tf.layers.Layer['computeMask'];

/** Runs `run` (a run of the model's graph) with its intermediate tensors freed once read; the layers as they were after. */
export function releasingIntermediates<T>(model: tf.LayersModel, feeds: readonly tf.Tensor[], run: () => T): T {
  const nodesByDepth = (model as unknown as { nodesByDepth: Record<string, GraphNode[]> }).nodesByDepth;
  const nodes = Object.values(nodesByDepth).flat();
  const nodesOfLayer = new Map<tf.layers.Layer, GraphNode[]>();
  for (const node of nodes) nodesOfLayer.set(node.outboundLayer, (nodesOfLayer.get(node.outboundLayer) ?? []).concat(node));
  /** Reads still to come, by symbolic tensor; outputs are read after the run. */
  const readsLeft = new Map<number, number>();
  for (const node of nodes) for (const input of node.inputTensors) readsLeft.set(input.id, (readsLeft.get(input.id) ?? 0) + 1);
  for (const output of model.outputs) readsLeft.set(output.id, Infinity);
  const kept = new Set<tf.Tensor>(feeds);
  const made = new Map<number, tf.Tensor>();
  model.inputs.forEach((input, i) => feeds[i] && made.set(input.id, feeds[i]));
  /** The symbolic tensors still to be read that stand for each tensor. */
  const standsFor = new Map<tf.Tensor, Set<number>>();

  const restore: (() => void)[] = [];
  for (const [layer, layerNodes] of nodesOfLayer) {
    if (layerNodes.length !== 1) {
      for (const input of layerNodes.flatMap((n) => n.inputTensors)) readsLeft.set(input.id, Infinity);
      continue;
    }
    const node = layerNodes[0]!;
    const call: Call = layer.call;
    const computeMask: ComputeMask = layer.computeMask;
    layer.call = function (this: tf.layers.Layer, ...args: Parameters<Call>) {
      const result = call.apply(this, args);
      const outputs = Array.isArray(result) ? result : [result];
      node.outputTensors.forEach((symbolic, i) => {
        const tensor = outputs[i];
        if (!tensor) return;
        made.set(symbolic.id, tensor);
        standsFor.set(tensor, (standsFor.get(tensor) ?? new Set()).add(symbolic.id));
      });
      return result;
    };
    layer.computeMask = function (this: tf.layers.Layer, ...args: Parameters<ComputeMask>) {
      const mask = computeMask.apply(this, args);
      for (const m of Array.isArray(mask) ? mask : [mask]) if (m) kept.add(m);
      for (const input of node.inputTensors) release(input.id);
      return mask;
    };
    restore.push(() => {
      layer.call = call;
      layer.computeMask = computeMask;
    });
  }

  function release(id: number): void {
    const left = (readsLeft.get(id) ?? 0) - 1;
    readsLeft.set(id, left);
    const tensor = made.get(id);
    if (left > 0 || !tensor) return;
    const symbols = standsFor.get(tensor);
    symbols?.delete(id);
    if ((symbols?.size ?? 0) > 0 || kept.has(tensor)) return;
    standsFor.delete(tensor);
    tensor.dispose();
  }

  try {
    return run();
  } finally {
    for (const undo of restore) undo();
  }
}
