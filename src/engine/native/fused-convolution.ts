// On native TensorFlow, a Conv2D and what follows it run as one TensorFlow kernel, as Grappler rewrites them in
// Python's tf.function: the convolution with its bias, or with a BatchNormalization that alone reads it (inference:
// the moving statistics), then an activation (the layer's own, or a ReLU that alone reads the chain), in one pass over
// the output. The tensors between are then never made, so a chain is fused only when none of them is an output of the
// evaluation. Under a normalization the convolution bias folds into the moving mean:
// γ·(conv + b − μ)/√(σ² + ε) + β = γ·(conv − (μ − b))/√(σ² + ε) + β.
//
// The kernel is oneDNN's (`_MklNativeFusedConv2D`, TensorFlow's x86 builds: the kernel Grappler picks there) where
// the loaded TensorFlow has it, else Eigen's `_FusedConv2D`; each sequence of fused operations is tried once on a 1×1
// convolution with a known result before it is used. Both take list attributes (fused_ops, TArgs) that only the
// binding npm run build:native makes can set; with another binding nothing is fused.

import * as tf from '@tensorflow/tfjs';
import type { ConvolutionWindow } from '../convolution.js';
import { singleTensor } from '../layers/common.js';
import type { FusableConvolution } from '../layers/conv-extra.js';

interface Attribute {
  readonly name: string;
  readonly type: number;
  readonly value: number | number[] | string | string[];
}

interface NativeBackend {
  readonly binding: Record<'TF_ATTR_TYPE' | 'TF_ATTR_INT' | 'TF_ATTR_STRING' | 'TF_ATTR_FLOAT' | 'TF_FLOAT', number>;
  executeSingleOutput(name: string, attributes: Attribute[], inputs: tf.Tensor[]): tf.Tensor;
}

type Operation = 'BiasAdd' | 'FusedBatchNorm' | FusedActivation;
type FusedActivation = 'Relu' | 'Relu6';

/** A fused convolution kernel of TensorFlow: its op, and the attributes that select its implementation. */
interface Kernel {
  readonly op: string;
  readonly label?: string;
}

/** In the order they are tried: oneDNN's (selected by the label its kernels are registered under), then Eigen's. */
const kernels: readonly Kernel[] = [{ op: '_MklNativeFusedConv2D', label: 'MklNameChangeOp' }, { op: '_FusedConv2D' }];

/** Keras activations the fused kernel applies itself, by their Keras name. */
const fusedActivations: Readonly<Record<string, FusedActivation>> = { relu: 'Relu', relu6: 'Relu6' };

/**
 * The check of a kernel: each operation's arguments in a 1×1 convolution of 2 by a kernel of 3, and what it makes of
 * the value so far (6 after the convolution).
 */
const checks: Readonly<Record<Operation, { args: () => tf.Tensor[]; value: (v: number) => number }>> = {
  BiasAdd: { args: () => [tf.fill([1], 4)], value: (v) => v + 4 },
  // Scale 1, offset 0, mean 1, variance 3, with ε 1.
  FusedBatchNorm: { args: () => [tf.ones([1]), tf.zeros([1]), tf.ones([1]), tf.fill([1], 3)], value: (v) => (v - 1) / 2 },
  Relu: { args: () => [], value: (v) => Math.max(v, 0) },
  Relu6: { args: () => [], value: (v) => Math.min(Math.max(v, 0), 6) },
};

/** The activation a layer that alone reads the chain applies, when the fused kernel can apply it instead. */
function readerActivation(layer: tf.layers.Layer): FusedActivation | undefined {
  const config = layer.getConfig();
  if (layer.getClassName() === 'Activation') return fusedActivations[config['activation'] as string];
  if (layer.getClassName() !== 'ReLU' || config['negativeSlope'] || config['threshold']) return undefined;
  const max = config['maxValue'];
  return max == null ? 'Relu' : max === 6 ? 'Relu6' : undefined;
}

function runFused(
  kernel: Kernel,
  x: tf.Tensor,
  filter: tf.Tensor,
  w: ConvolutionWindow,
  ops: Operation[],
  args: tf.Tensor[],
  epsilon: number,
) {
  const backend = tf.backend() as unknown as NativeBackend;
  const { binding } = backend;
  return backend.executeSingleOutput(
    kernel.op,
    [
      ...(kernel.label ? [{ name: '_kernel', type: binding.TF_ATTR_STRING, value: kernel.label }] : []),
      { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
      { name: 'num_args', type: binding.TF_ATTR_INT, value: args.length },
      { name: 'TArgs', type: binding.TF_ATTR_TYPE, value: args.map(() => binding.TF_FLOAT) },
      { name: 'strides', type: binding.TF_ATTR_INT, value: [1, ...w.strides, 1] },
      { name: 'padding', type: binding.TF_ATTR_STRING, value: w.padding.toUpperCase() },
      { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
      { name: 'dilations', type: binding.TF_ATTR_INT, value: [1, ...w.dilations, 1] },
      { name: 'fused_ops', type: binding.TF_ATTR_STRING, value: ops },
      { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: epsilon },
    ],
    [x, filter, ...args],
  );
}

const kernelFor = new Map<string, Kernel | null>();

/**
 * The first kernel that computes these fused operations right on the loaded TensorFlow, tried once per sequence
 * (`checks`); undefined when none does (the binding cannot set list attributes, or the TensorFlow has no such kernel).
 */
function fusedKernel(ops: Operation[]): Kernel | undefined {
  const key = ops.join();
  if (!kernelFor.has(key)) {
    const expected = ops.reduce((v, op) => checks[op].value(v), 6);
    const works = (kernel: Kernel): boolean => {
      try {
        // In a scope, so that its tensors are freed whether the binding takes the op or not.
        return tf.tidy(() => {
          const args = ops.flatMap((op) => checks[op].args());
          const window: ConvolutionWindow = { strides: [1, 1], dilations: [1, 1], padding: 'valid' };
          const y = runFused(kernel, tf.fill([1, 1, 1, 1], 2), tf.fill([1, 1, 1, 1], 3), window, ops, args, 1);
          return Math.abs(y.dataSync()[0]! - expected) < 1e-5;
        });
      } catch {
        return false;
      }
    };
    kernelFor.set(key, kernels.find(works) ?? null);
  }
  return kernelFor.get(key) ?? undefined;
}

const isFusable = (layer: tf.layers.Layer): layer is tf.layers.Layer & { fusable(): FusableConvolution | undefined } =>
  typeof (layer as Partial<{ fusable: unknown }>).fusable === 'function';

function isInferenceNormalization(layer: tf.layers.Layer): boolean {
  const config = layer.getConfig();
  const axis = config['axis'];
  return layer.getClassName() === 'BatchNormalization' && config['renorm'] !== true && (axis === -1 || axis === 3);
}

/** The layer that alone reads the single output of `layer`, called once, when `accept` takes it. */
function soleReader(layer: tf.layers.Layer, outputs: ReadonlySet<number>, accept: (reader: tf.layers.Layer) => boolean) {
  if (layer.inboundNodes.length !== 1 || layer.outboundNodes.length !== 1) return undefined;
  const produced = layer.inboundNodes[0]!.outputTensors;
  if (produced.length !== 1 || outputs.has(produced[0]!.id)) return undefined;
  const node = layer.outboundNodes[0]!;
  const reader = node.outboundLayer;
  return node.inputTensors.length === 1 && reader.inboundNodes.length === 1 && accept(reader) ? reader : undefined;
}

/** The moving statistics, with γ = 1 and β = 0 for a normalization that has none (scale=False, center=False). */
function statisticsOf(normalization: tf.layers.Layer, channels: number): tf.Tensor[] {
  const weight = (name: string, fill: number): tf.Tensor =>
    normalization.weights.find((w) => w.originalName.split('/').at(-1) === name)?.read() ?? tf.fill([channels], fill);
  return [weight('gamma', 1), weight('beta', 0), weight('moving_mean', 0), weight('moving_variance', 1)];
}

function passThrough(layer: tf.layers.Layer): void {
  layer.call = (inputs) => tf.clone(singleTensor(inputs));
}

/** A chain that starts at a convolution: what it computes, and the layers after the convolution it takes in. */
interface Chain {
  readonly ops: Operation[];
  /** The fused operations' arguments, from the convolution's kernel and bias. */
  readonly args: (kernel: tf.Tensor, bias: tf.Tensor | undefined) => tf.Tensor[];
  readonly epsilon: number;
  readonly absorbed: tf.layers.Layer[];
}

/** The chain from this convolution that a fused kernel computes, or undefined when there is none to fuse. */
function chainFrom(convolution: tf.layers.Layer, activation: string, outputs: ReadonlySet<number>): Chain | undefined {
  const ownActivation = fusedActivations[activation];
  if (activation !== 'linear' && !ownActivation) return undefined;
  /** The activation layer that alone reads `layer`, with the operation that computes it. */
  const activationAfter = (layer: tf.layers.Layer): { layer: tf.layers.Layer; op: FusedActivation } | undefined => {
    const reader = soleReader(layer, outputs, (candidate) => readerActivation(candidate) !== undefined);
    return reader && { layer: reader, op: readerActivation(reader)! };
  };
  const normalization = activation === 'linear' ? soleReader(convolution, outputs, isInferenceNormalization) : undefined;
  if (normalization) {
    const after = activationAfter(normalization);
    return {
      ops: after ? ['FusedBatchNorm', after.op] : ['FusedBatchNorm'],
      args: (kernel, bias) => {
        const [scale, offset, mean, variance] = statisticsOf(normalization, kernel.shape.at(-1)!);
        return [scale!, offset!, bias ? tf.sub(mean!, bias) : mean!, variance!];
      },
      epsilon: normalization.getConfig()['epsilon'] as number,
      absorbed: after ? [normalization, after.layer] : [normalization],
    };
  }
  // Without a bias there is nothing to fuse a convolution with but its activation: left as it is.
  if (convolution.weights.length < 2) return undefined;
  const after = ownActivation ? undefined : activationAfter(convolution);
  const op = ownActivation ?? after?.op;
  return { ops: op ? ['BiasAdd', op] : ['BiasAdd'], args: (_, bias) => [bias!], epsilon: 0, absorbed: after ? [after.layer] : [] };
}

/**
 * Makes each Conv2D chain of the model whose tensors between are not among its outputs compute as one fused
 * convolution on native TensorFlow; the number of chains, 0 on another backend.
 */
export function fuseConvolutions(model: tf.LayersModel): number {
  if (tf.getBackend() !== 'tensorflow') return 0;
  const outputs = new Set(model.outputs.map((t) => t.id));
  let fused = 0;
  for (const convolution of model.layers) {
    const fusable = isFusable(convolution) ? convolution.fusable() : undefined;
    if (!fusable || convolution.weights[0]?.dtype !== 'float32') continue;
    const chain = chainFrom(convolution, fusable.activation, outputs);
    const kernel = chain && fusedKernel(chain.ops);
    if (!chain || !kernel) continue;
    convolution.call = (inputs) =>
      tf.tidy(() => {
        const [filter, bias] = convolution.weights.map((w) => w.read());
        return runFused(kernel, singleTensor(inputs), filter!, fusable.window, chain.ops, chain.args(filter!, bias), chain.epsilon);
      });
    chain.absorbed.forEach(passThrough);
    fused++;
  }
  return fused;
}

/** The kernel fused convolutions run on, for the bench's and the log's words; undefined when none is fused. */
export function fusedKernelName(): string | undefined {
  return fusedKernel(['BiasAdd'])?.op;
}
