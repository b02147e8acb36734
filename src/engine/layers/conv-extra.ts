// Keras convolutions and poolings that TensorFlow.js 4.22's own layers compute otherwise, in subclasses registered
// under the Keras names: tfjs builds the weights (in Keras's layout), the computation here uses tfjs ops only.
// Grouped Conv1D/2D/3D (and Conv1D's causal padding and channels_first), dilated and output-padded Conv2DTranspose
// and Conv3DTranspose (without tf.conv3dTranspose, which the wasm backend computes wrongly), dilated
// DepthwiseConv2D, SeparableConv2D with unequal strides, channels_first MaxPooling1D and AveragePooling1D.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import {
  activationName,
  configValue,
  convOutputLength,
  getActivation,
  normalizeDataFormat,
  normalizePadding,
  normalizeTuple,
  singleShape,
  singleTensor,
  toChannelsFirst,
  toChannelsLast,
} from './common.js';
import type { ConvPadding, DataFormat } from './common.js';
import { transposePadding } from './conv1d.js';
import { convolution, depthwiseConvolution, separableConvolution, spreadAxes } from '../convolution.js';
import type { ConvolutionWindow, WindowPadding } from '../convolution.js';

type Args = Record<string, unknown>;
type LayerClass = new (args: Args) => tf.layers.Layer;
type Activation = (x: tf.Tensor) => tf.Tensor;
type Kernels = [tf.Tensor, ...tf.Tensor[]];

/** What native/fused-convolution.ts needs of a convolution layer to compute it as one fused TensorFlow kernel. */
export interface FusableConvolution {
  readonly window: ConvolutionWindow;
  /** Keras's name of the layer's own activation: `linear` for none. */
  readonly activation: string;
}

const base = (make: () => tf.layers.Layer): LayerClass => make().constructor as LayerClass;

/** A convolution's window, read from its (tfjs-cased) Keras config. */
interface Window<P extends ConvPadding = ConvPadding> {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padding: P;
  readonly dataFormat: DataFormat;
}

function windowOf<P extends ConvPadding>(args: Args, rank: number, paddings: readonly P[]): Window<P> {
  return {
    kernel: normalizeTuple(args['kernelSize'], rank, 'kernel_size'),
    strides: normalizeTuple(args['strides'] ?? 1, rank, 'strides'),
    dilations: normalizeTuple(args['dilationRate'] ?? 1, rank, 'dilation_rate'),
    padding: normalizePadding(args['padding'], paddings) as P,
    dataFormat: normalizeDataFormat(args['dataFormat']),
  };
}

/** Keras's activation of the config, and the config keys tfjs is given otherwise (restored by getConfig). */
function kerasActivation(args: Args): { activate: Activation; config: tf.serialization.ConfigDict } {
  const name = activationName(args['activation']);
  return { activate: getActivation(name), config: { activation: name ?? 'linear' } };
}

/** An output shape: each spatial length mapped, the channels set, in the layer's layout. */
function layoutShape(
  shape: Shape,
  dataFormat: DataFormat,
  length: (n: number | null, axis: number) => number | null,
  channels: number | null,
): Shape {
  const last = dataFormat === 'channelsLast';
  const spatial = (last ? shape.slice(1, -1) : shape.slice(2)).map((n, i) => length(n ?? null, i));
  return last ? [shape[0] ?? null, ...spatial, channels] : [shape[0] ?? null, channels, ...spatial];
}

/**
 * The layer's computation on its channels-last input, plus the bias, back in the layer's layout, then the activation:
 * Keras applies it there (the softmax of a channels_first output runs over its last, spatial axis).
 */
function runConvolution(
  layer: tf.layers.Layer,
  inputs: tf.Tensor | tf.Tensor[],
  dataFormat: DataFormat,
  activate: Activation,
  body: (x: tf.Tensor, kernels: Kernels) => tf.Tensor,
  kernelCount = 1,
): tf.Tensor {
  return tf.tidy(() => {
    // tfjs's convolution layers add the kernels (a separable one two), then the bias when use_bias is set.
    if (layer.weights.length < kernelCount) throw new Error(`${layer.getClassName()} '${layer.name}' was called before it was built.`);
    const kernels = layer.weights.slice(0, kernelCount).map((weight) => weight.read()) as Kernels;
    const bias = layer.weights[kernelCount];
    const first = dataFormat === 'channelsFirst';
    const x = singleTensor(inputs);
    let y = body(first ? toChannelsLast(x) : x, kernels);
    if (bias !== undefined) y = tf.add(y, bias.read());
    return activate(first ? toChannelsFirst(y) : y);
  });
}

/** Keras's causal padding of a channels-last 1-D input: dilation·(kernel − 1) steps on the left, then 'valid'. */
function causalPad(x: tf.Tensor, window: Window): tf.Tensor {
  const left = window.dilations[0]! * (window.kernel[0]! - 1);
  return tf.pad(
    x,
    x.shape.map((_, i): [number, number] => (i === 1 ? [left, 0] : [0, 0])),
  );
}

/** The (left, right) padding of each spatial axis of a transposed convolution, as Keras gives it to JAX. */
function transposePads(window: Window<WindowPadding>, outputPadding: readonly number[] | null): [number, number][] {
  return window.kernel.map((k, i) =>
    transposePadding(k, window.strides[i]!, window.dilations[i]!, window.padding, outputPadding?.[i] ?? null),
  );
}

function transposedLength(
  n: number | null,
  axis: number,
  window: Window<WindowPadding>,
  outputPadding: readonly number[] | null,
): number | null {
  if (n === null) return null;
  const [left, right] = transposePads(window, outputPadding)[axis]!;
  const effective = (window.kernel[axis]! - 1) * window.dilations[axis]! + 1;
  return (n - 1) * window.strides[axis]! + 1 + left + right - effective + 1;
}

/**
 * Keras's `ops.conv_transpose` on a channels-last input, as jax.lax.conv_transpose computes it: the input spread out
 * by the strides and padded as Keras's padding and output_padding say, then convolved with stride 1 and the kernel
 * flipped, its (filters, channels) axes swapped.
 */
function convolveTransposed(
  x: tf.Tensor,
  kernel: tf.Tensor,
  window: Window<WindowPadding>,
  outputPadding: readonly number[] | null,
): tf.Tensor {
  const rank = window.kernel.length;
  const spatial = [...Array(rank).keys()];
  const padded = tf.pad(spreadAxes(x, 1, window.strides), [[0, 0], ...transposePads(window, outputPadding), [0, 0]]);
  const flipped = tf.transpose(tf.reverse(kernel, spatial), [...spatial, rank + 1, rank]);
  return convolution(padded, flipped, { strides: spatial.map(() => 1), dilations: window.dilations, padding: 'valid' });
}

/** Keras's Conv1D, Conv2D, Conv3D: groups, both layouts, and the causal padding of Conv1D. */
export function convolutionLayer(tfjsClass: LayerClass, name: string, rank: number): LayerClass {
  const paddings: readonly ConvPadding[] = rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  return class extends tfjsClass {
    static className = name;
    private readonly geometry: Window;
    private readonly groups: number;
    private readonly outChannels: number;
    private readonly activate: Activation;
    private readonly kerasConfig: tf.serialization.ConfigDict;

    constructor(args: Args) {
      const window = windowOf(args, rank, paddings);
      super({ ...args, padding: window.padding === 'causal' ? 'valid' : window.padding, activation: 'linear' });
      this.geometry = window;
      this.groups = (args['groups'] as number | undefined) ?? 1;
      this.outChannels = args['filters'] as number;
      const { activate, config } = kerasActivation(args);
      this.activate = activate;
      this.kerasConfig = { ...config, padding: window.padding, groups: this.groups };
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = [...singleShape(inputShape)];
      const axis = this.geometry.dataFormat === 'channelsFirst' ? 1 : shape.length - 1;
      const channels = shape[axis];
      if (typeof channels === 'number') {
        if (channels % this.groups !== 0) {
          throw new Error(`${name}: ${channels} input channels do not split into groups=${this.groups}.`);
        }
        // Keras's kernel holds one group's channels: (kernel..., channels / groups, filters).
        shape[axis] = channels / this.groups;
      }
      super.build(shape);
      this.inputSpec = [{ ndim: rank + 2, axes: { [axis]: channels! } }];
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const w = this.geometry;
      const length = (n: number | null, i: number): number | null =>
        convOutputLength(n, w.kernel[i]!, w.padding, w.strides[i]!, w.dilations[i]!);
      return layoutShape(singleShape(inputShape), w.dataFormat, length, this.outChannels);
    }

    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const w = this.geometry;
      return runConvolution(this, inputs, w.dataFormat, this.activate, (x, [kernel]) =>
        w.padding === 'causal'
          ? convolution(causalPad(x, w), kernel, { ...w, padding: 'valid' }, this.groups)
          : convolution(x, kernel, { ...w, padding: w.padding }, this.groups),
      );
    }

    /**
     * The window and Keras activation of a plain 2-D convolution (channels last, one group, not both strided and
     * dilated), which TensorFlow's fused convolution computes together with its bias and the layers after it;
     * undefined for any other.
     */
    fusable(): FusableConvolution | undefined {
      const w = this.geometry;
      const plain = rank === 2 && w.dataFormat === 'channelsLast' && this.groups === 1 && w.padding !== 'causal';
      const stridedAndDilated = w.strides.some((s) => s > 1) && w.dilations.some((d) => d > 1);
      if (!plain || stridedAndDilated) return undefined;
      return {
        window: { strides: w.strides, dilations: w.dilations, padding: w.padding },
        activation: this.kerasConfig['activation'] as string,
      };
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.kerasConfig };
    }
  };
}

/** Keras's Conv2DTranspose, Conv3DTranspose: dilation_rate and output_padding too. */
function transposedConvolution(tfjsClass: LayerClass, name: string, rank: number): LayerClass {
  return class extends tfjsClass {
    static className = name;
    private readonly geometry: Window<WindowPadding>;
    private readonly outputPadding: number[] | null;
    private readonly outChannels: number;
    private readonly activate: Activation;
    private readonly kerasConfig: tf.serialization.ConfigDict;

    constructor(args: Args) {
      super({ ...args, activation: 'linear' });
      this.geometry = windowOf(args, rank, ['valid', 'same'] as const);
      const outputPadding = args['outputPadding'];
      this.outputPadding =
        outputPadding === undefined || outputPadding === null ? null : normalizeTuple(outputPadding, rank, 'output_padding');
      this.outChannels = args['filters'] as number;
      const { activate, config } = kerasActivation(args);
      this.activate = activate;
      this.kerasConfig = { ...config, outputPadding: configValue(this.outputPadding), dilationRate: [...this.geometry.dilations] };
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const w = this.geometry;
      const length = (n: number | null, i: number): number | null => transposedLength(n, i, w, this.outputPadding);
      return layoutShape(singleShape(inputShape), w.dataFormat, length, this.outChannels);
    }

    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const w = this.geometry;
      return runConvolution(this, inputs, w.dataFormat, this.activate, (x, [kernel]) =>
        convolveTransposed(x, kernel, w, this.outputPadding),
      );
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.kerasConfig };
    }
  };
}

export const Conv2D = convolutionLayer(
  base(() => tf.layers.conv2d({ filters: 1, kernelSize: 1 })),
  'Conv2D',
  2,
);
export const Conv3D = convolutionLayer(
  base(() => tf.layers.conv3d({ filters: 1, kernelSize: 1 })),
  'Conv3D',
  3,
);
export const Conv2DTranspose = transposedConvolution(
  base(() => tf.layers.conv2dTranspose({ filters: 1, kernelSize: 1 })),
  'Conv2DTranspose',
  2,
);
export const Conv3DTranspose = transposedConvolution(
  base(() => tf.layers.conv3dTranspose({ filters: 1, kernelSize: 1 })),
  'Conv3DTranspose',
  3,
);

/**
 * Keras's DepthwiseConv2D (with its dilation_rate, which tfjs's layer drops) and SeparableConv2D (whose strides may
 * differ between the axes, which native TensorFlow's depthwise step refuses): the window and output channels from the
 * config, the computation from src/engine/convolution.ts on the layer's `kernelCount` kernels.
 */
function depthwiseLayer(
  tfjsClass: LayerClass,
  name: string,
  kernelCount: number,
  outChannels: (args: Args, inputChannels: number | null) => number | null,
  compute: (x: tf.Tensor, kernels: Kernels, window: Window<WindowPadding>) => tf.Tensor,
): LayerClass {
  return class extends tfjsClass {
    static className = name;
    private readonly geometry: Window<WindowPadding>;
    private readonly args: Args;
    private readonly activate: Activation;
    private readonly kerasConfig: tf.serialization.ConfigDict;

    constructor(args: Args) {
      super({ ...args, activation: 'linear' });
      this.geometry = windowOf(args, 2, ['valid', 'same'] as const);
      this.args = args;
      const { activate, config } = kerasActivation(args);
      this.activate = activate;
      this.kerasConfig = config;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const w = this.geometry;
      const shape = singleShape(inputShape);
      const channels = shape[w.dataFormat === 'channelsFirst' ? 1 : 3] ?? null;
      const length = (n: number | null, i: number): number | null =>
        convOutputLength(n, w.kernel[i]!, w.padding, w.strides[i]!, w.dilations[i]!);
      return layoutShape(shape, w.dataFormat, length, outChannels(this.args, channels));
    }

    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
      const w = this.geometry;
      return runConvolution(this, inputs, w.dataFormat, this.activate, (x, kernels) => compute(x, kernels, w), kernelCount);
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...this.kerasConfig };
    }
  };
}

export const DepthwiseConv2D = depthwiseLayer(
  base(() => tf.layers.depthwiseConv2d({ kernelSize: 1 })),
  'DepthwiseConv2D',
  1,
  (args, channels) => (channels === null ? null : channels * ((args['depthMultiplier'] as number | undefined) ?? 1)),
  (x, [kernel], w) => depthwiseConvolution(x, kernel, w),
);

export const SeparableConv2D = depthwiseLayer(
  base(() => tf.layers.separableConv2d({ filters: 1, kernelSize: 1 })),
  'SeparableConv2D',
  2,
  (args) => args['filters'] as number,
  (x, [depthwise, pointwise], w) => separableConvolution(x, depthwise, pointwise!, w),
);

/** tfjs's 1-D pooling ignores data_format: a channels_first input is pooled as its channels-last transpose. */
function pooling1D(tfjsClass: LayerClass, name: string): LayerClass {
  return class extends tfjsClass {
    static className = name;
    private readonly channelsFirst: boolean;

    constructor(args: Args) {
      super(args);
      this.channelsFirst = normalizeDataFormat(args['dataFormat']) === 'channelsFirst';
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      if (!this.channelsFirst) return super.computeOutputShape(inputShape);
      const [batch, channels, length] = singleShape(inputShape);
      const [, pooled] = super.computeOutputShape([batch ?? null, length ?? null, channels ?? null]) as Shape;
      return [batch ?? null, channels ?? null, pooled ?? null];
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Args): tf.Tensor | tf.Tensor[] {
      if (!this.channelsFirst) return super.call(inputs, kwargs);
      return tf.tidy(() => toChannelsFirst(super.call(toChannelsLast(singleTensor(inputs)), kwargs) as tf.Tensor));
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), dataFormat: this.channelsFirst ? 'channelsFirst' : 'channelsLast' };
    }
  };
}

export const MaxPooling1D = pooling1D(
  base(() => tf.layers.maxPooling1d({})),
  'MaxPooling1D',
);
export const AveragePooling1D = pooling1D(
  base(() => tf.layers.averagePooling1d({})),
  'AveragePooling1D',
);
