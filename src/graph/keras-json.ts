// Exports the part of a model graph that computes some tensors as a Keras
// functional-model JSON (the Keras 2 layout that `tf.models.modelFromJSON`
// reads): the seed document's "Method 2" — a sub-model from the inputs to the
// tensors asked for — as data.

import type { JsonValue, LayerCall, ModelGraph } from './ir.js';
import { isSymbolic } from './shape.js';

export interface ExportedSubgraph {
  /** `{"class_name": "Functional", "config": {…}}`, ready for `tf.models.modelFromJSON`. */
  readonly topology: { class_name: string; config: { [key: string]: JsonValue } };
  /** The graph tensors fed to the model's inputs, in input order. */
  readonly inputs: readonly number[];
  /** The tensors asked for, in the model's output order. */
  readonly outputs: readonly number[];
  /** The name each exported graph layer has in the topology. */
  readonly layerNames: ReadonlyMap<number, string>;
}

export class ExportError extends Error {}

type Inbound = [string, number, number, { [key: string]: JsonValue }];

/** Keys where None is a choice, not "the default" (Bidirectional's merge_mode=None: two outputs). */
const meaningfulNulls = new Set(['merge_mode']);

/** Keras config keys that TensorFlow.js layers do not take. */
const kerasOnlyKeys = new Set([
  'lora_rank',
  'lora_alpha',
  'quantization_config',
  'use_cudnn',
  'seed',
  'forward_layer_name',
  'backward_layer_name',
  'autocast',
]);

export function exportSubgraph(graph: ModelGraph, requested: readonly number[]): ExportedSubgraph {
  const calls = new Map<number, LayerCall>();
  const inputs: number[] = [];
  const visit = (given: number): void => {
    const tensor = canonicalTensor(graph, given);
    const node = graph.tensors[tensor];
    if (!node) throw new ExportError(`unknown tensor ${tensor}`);
    const producer = node.producer ? graph.calls[node.producer.call] : undefined;
    if (!producer || graph.layers[producer.layer]!.className === 'InputLayer') {
      if (!inputs.includes(tensor)) inputs.push(tensor);
      return;
    }
    if (calls.has(producer.id)) return;
    calls.set(producer.id, producer);
    producer.inputs.forEach(visit);
  };
  requested.forEach(visit);

  const names = new LayerNames(graph);
  const inputNames = new Map<number, string>();
  const layers: { [key: string]: JsonValue }[] = inputs.map((tensor) => {
    const node = graph.tensors[tensor]!;
    const producer = node.producer ? graph.calls[node.producer.call] : undefined;
    const name = producer ? names.of(producer.layer) : names.reserve(`input_tensor_${tensor}`);
    inputNames.set(tensor, name);
    const config = {
      batch_input_shape: node.shape.map((d) => (isSymbolic(d) ? null : d)),
      dtype: node.dtype,
      sparse: false,
      name,
    };
    return { class_name: 'InputLayer', config, name, inbound_nodes: [] };
  });

  // A layer's calls in the exported model, numbered as its nodes there.
  const nodeIndex = new Map<number, number>();
  const inboundByLayer = new Map<number, Inbound[][]>();
  const reference = (given: number): Inbound => {
    const tensor = canonicalTensor(graph, given);
    const inputName = inputNames.get(tensor);
    if (inputName !== undefined) return [inputName, 0, 0, {}];
    const producer = graph.calls[graph.tensors[tensor]!.producer!.call]!;
    return [names.of(producer.layer), nodeIndex.get(producer.id)!, graph.tensors[tensor]!.producer!.index, {}];
  };
  for (const call of [...calls.values()].sort((a, b) => a.id - b.id)) {
    const nodes = inboundByLayer.get(call.layer) ?? [];
    nodeIndex.set(call.id, nodes.length);
    // A layer with named call parameters gets them as the node's call keywords, as Keras serializes a call.
    const kwargs = call.callArguments && { ...call.callArguments.options, tensor_names: [...call.callArguments.names] };
    nodes.push(
      call.inputs.map((t): Inbound => {
        const [layerName, node, index] = reference(t);
        return [layerName, node, index, kwargs ?? {}];
      }),
    );
    inboundByLayer.set(call.layer, nodes);
  }
  for (const [layerId, nodes] of inboundByLayer) {
    const layer = graph.layers[layerId]!;
    const name = names.of(layerId);
    const evaluation = layer.evaluation ?? { className: layer.className };
    if ('refused' in evaluation) throw new ExportError(`${layer.className} '${layer.name}' ${evaluation.refused}`);
    const className = evaluation.className;
    const config = exportConfig(evaluation.config ?? layer.config);
    layers.push({ class_name: className, config: { ...config, name }, name, inbound_nodes: nodes });
  }

  return {
    topology: {
      class_name: 'Functional',
      config: {
        name: 'tensor_lens_subgraph',
        layers,
        input_layers: inputs.map((t) => [inputNames.get(t)!, 0, 0]),
        output_layers: requested.map((t) => reference(t).slice(0, 3) as JsonValue[]),
      },
    },
    inputs,
    outputs: requested,
    layerNames: names.assigned,
  };
}

/**
 * The tensor its producer made, for one standing for it with another shape (the inputs and outputs of a layer's
 * call() trace, whose None sizes are named inside it): one tensor in the export, whichever of them is asked for.
 */
function canonicalTensor(graph: ModelGraph, tensor: number): number {
  const producer = graph.tensors[tensor]?.producer;
  return (producer && graph.calls[producer.call]?.outputs[producer.index]) ?? tensor;
}

/** A Keras config as TensorFlow.js reads it: Keras-3-only keys and defaulted Nones dropped, initializers as class configs. */
export function exportConfig(config: { readonly [key: string]: JsonValue }): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(config)) {
    // TensorFlow.js reads a null as a value (data_format: null is not channels_last); absent means Keras's default.
    if (kerasOnlyKeys.has(key) || (value === null && !meaningfulNulls.has(key))) continue;
    if (key.endsWith('_initializer') && value !== null) out[key] = tfjsInitializer(value) ?? value;
    else if ((key === 'layer' || key === 'backward_layer') && value && typeof value === 'object' && !Array.isArray(value)) {
      const inner = value['config'] as { [key: string]: JsonValue };
      out[key] = { class_name: value['class_name']!, config: exportConfig(inner) };
    } else out[key] = value;
  }
  return out;
}

/** Keras's string identifiers of initializers, as the class configs TensorFlow.js deserializes. */
const initializerAliases: Record<string, { class_name: string; config: { [key: string]: JsonValue } }> = {
  uniform: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  random_uniform: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  normal: { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  random_normal: { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  truncated_normal: { class_name: 'TruncatedNormal', config: { mean: 0, stddev: 0.05, seed: null } },
};

/** An initializer as Keras names it (`"zeros"`, or its class and config) as the class config TensorFlow.js builds, or null. */
export function tfjsInitializer(initializer: JsonValue): { class_name: string; config: { [key: string]: JsonValue } } | null {
  const config = typeof initializer === 'string' ? initializerConfig(initializer) : initializer;
  if (!config || typeof config !== 'object' || Array.isArray(config) || typeof config['class_name'] !== 'string') return null;
  const options = config['config'];
  const className = tfjsInitializerNames[config['class_name']] ?? config['class_name'];
  return { class_name: className, config: options && typeof options === 'object' && !Array.isArray(options) ? options : {} };
}

/** Keras initializer classes that TensorFlow.js spells otherwise. */
const tfjsInitializerNames: Readonly<Record<string, string>> = { LecunNormal: 'LeCunNormal', LecunUniform: 'LeCunUniform' };

function initializerConfig(name: string): JsonValue {
  const alias = initializerAliases[name];
  if (alias) return alias;
  const className = name
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return { class_name: className, config: {} };
}

/** Unique names in the exported model: the Keras names, suffixed only where two layers share one. */
class LayerNames {
  readonly assigned = new Map<number, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly graph: ModelGraph) {}

  of(layerId: number): string {
    const known = this.assigned.get(layerId);
    if (known !== undefined) return known;
    const name = this.reserve(this.graph.layers[layerId]!.name);
    this.assigned.set(layerId, name);
    return name;
  }

  reserve(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.taken.has(name); i++) name = `${wanted}__${i}`;
    this.taken.add(name);
    return name;
  }
}
