// On native TensorFlow, a Conv2D read only by a BatchNormalization (itself read only by a ReLU, or not) runs as one
// TensorFlow kernel, _FusedConv2D, as Grappler rewrites that chain in Python's tf.function: the convolution, the
// normalization with the moving statistics (inference) and the ReLU in one pass over the output. The tensors between
// them are then never made, so a chain is fused only when none of them is an output of the evaluation. A convolution
// bias is folded into the moving mean: γ·(conv + b − μ)/√(σ² + ε) + β = γ·(conv − (μ − b))/√(σ² + ε) + β.
//
// The op takes list attributes (fused_ops, TArgs) that only the binding npm run build:native makes can set; with
// another binding nothing is fused.

import * as tf from '@tensorflow/tfjs';
import type { ConvolutionWindow } from '../convolution.js';
import { singleTensor } from '../layers/common.js';

interface Attribute {
  readonly name: string;
  readonly type: number;
  readonly value: number | number[] | string | string[];
}

interface NativeBackend {
  readonly binding: Record<'TF_ATTR_TYPE' | 'TF_ATTR_INT' | 'TF_ATTR_STRING' | 'TF_ATTR_FLOAT' | 'TF_FLOAT', number>;
  executeSingleOutput(name: string, attributes: Attribute[], inputs: tf.Tensor[]): tf.Tensor;
}

interface Fusable {
  fusableWindow(): ConvolutionWindow | undefined;
}

type Operation = 'FusedBatchNorm' | 'Relu';

interface Statistics {
  readonly scale: tf.Tensor;
  readonly offset: tf.Tensor;
  readonly mean: tf.Tensor;
  readonly variance: tf.Tensor;
}

function fusedConvolution(x: tf.Tensor, kernel: tf.Tensor, w: ConvolutionWindow, ops: Operation[], args: Statistics, epsilon: number) {
  const backend = tf.backend() as unknown as NativeBackend;
  const { binding } = backend;
  const inputs = [args.scale, args.offset, args.mean, args.variance];
  return backend.executeSingleOutput(
    '_FusedConv2D',
    [
      { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
      { name: 'num_args', type: binding.TF_ATTR_INT, value: inputs.length },
      { name: 'TArgs', type: binding.TF_ATTR_TYPE, value: inputs.map(() => binding.TF_FLOAT) },
      { name: 'strides', type: binding.TF_ATTR_INT, value: [1, ...w.strides, 1] },
      { name: 'padding', type: binding.TF_ATTR_STRING, value: w.padding.toUpperCase() },
      { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
      { name: 'dilations', type: binding.TF_ATTR_INT, value: [1, ...w.dilations, 1] },
      { name: 'fused_ops', type: binding.TF_ATTR_STRING, value: ops },
      { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: epsilon },
    ],
    [x, kernel, ...inputs],
  );
}

let supported: boolean | undefined;

/** Whether the loaded binding runs _FusedConv2D (it sets list attributes); tried once on a 1×1 convolution. */
function fusedConvolutionSupported(): boolean {
  supported ??= (() => {
    try {
      // In a scope, so that its tensors are freed whether the binding takes the op or not.
      tf.tidy(() => {
        const statistics = { scale: tf.ones([1]), offset: tf.zeros([1]), mean: tf.zeros([1]), variance: tf.ones([1]) };
        const window: ConvolutionWindow = { strides: [1, 1], dilations: [1, 1], padding: 'valid' };
        fusedConvolution(tf.ones([1, 1, 1, 1]), tf.ones([1, 1, 1, 1]), window, ['FusedBatchNorm', 'Relu'], statistics, 0.001);
      });
      return true;
    } catch {
      return false;
    }
  })();
  return supported;
}

const isFusable = (layer: tf.layers.Layer): layer is tf.layers.Layer & Fusable =>
  typeof (layer as Partial<Fusable>).fusableWindow === 'function';

function isInferenceNormalization(layer: tf.layers.Layer): boolean {
  const config = layer.getConfig();
  const axis = config['axis'];
  return layer.getClassName() === 'BatchNormalization' && config['renorm'] !== true && (axis === -1 || axis === 3);
}

function isPlainRelu(layer: tf.layers.Layer): boolean {
  const config = layer.getConfig();
  return (
    (layer.getClassName() === 'ReLU' && config['maxValue'] == null && !config['negativeSlope'] && !config['threshold']) ||
    (layer.getClassName() === 'Activation' && config['activation'] === 'relu')
  );
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
function statisticsOf(normalization: tf.layers.Layer, channels: number): Statistics {
  const weight = (name: string, fill: number): tf.Tensor =>
    normalization.weights.find((w) => w.originalName.split('/').at(-1) === name)?.read() ?? tf.fill([channels], fill);
  return { scale: weight('gamma', 1), offset: weight('beta', 0), mean: weight('moving_mean', 0), variance: weight('moving_variance', 1) };
}

function passThrough(layer: tf.layers.Layer): void {
  layer.call = (inputs) => tf.clone(singleTensor(inputs));
}

/**
 * Makes each Conv2D → BatchNormalization (→ ReLU) chain of the model whose tensors between are not among its outputs
 * compute as one fused convolution on native TensorFlow; the number of chains, 0 on another backend.
 */
export function fuseConvolutions(model: tf.LayersModel): number {
  if (tf.getBackend() !== 'tensorflow' || !fusedConvolutionSupported()) return 0;
  const outputs = new Set(model.outputs.map((t) => t.id));
  let fused = 0;
  for (const convolution of model.layers) {
    const window = isFusable(convolution) ? convolution.fusableWindow() : undefined;
    if (!window || convolution.weights[0]?.dtype !== 'float32') continue;
    const normalization = soleReader(convolution, outputs, isInferenceNormalization);
    if (!normalization) continue;
    const relu = soleReader(normalization, outputs, isPlainRelu);
    const ops: Operation[] = relu ? ['FusedBatchNorm', 'Relu'] : ['FusedBatchNorm'];
    const epsilon = normalization.getConfig()['epsilon'] as number;
    convolution.call = (inputs) =>
      tf.tidy(() => {
        const [kernel, bias] = convolution.weights.map((w) => w.read());
        const statistics = statisticsOf(normalization, kernel!.shape.at(-1)!);
        const mean = bias ? tf.sub(statistics.mean, bias) : statistics.mean;
        return fusedConvolution(singleTensor(inputs), kernel!, window, ops, { ...statistics, mean }, epsilon);
      });
    passThrough(normalization);
    if (relu) passThrough(relu);
    fused++;
  }
  return fused;
}
