// Keras 1-D convolution layers missing from tfjs-layers: Conv1DTranspose, DepthwiseConv1D, SeparableConv1D.

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import {
  activationName,
  configValue,
  convOutputLength,
  getActivation,
  normalizeDataFormat,
  normalizeInt,
  normalizePadding,
  resolveInitializer,
  singleShape,
  singleTensor,
  toChannelsFirst,
  toChannelsLast,
} from './common.js';
import type { ConfigValue, ConvPadding, DataFormat, LayerArgs } from './common.js';
import { depthwiseConvolution, separableConvolution, spread } from '../convolution.js';
import type { ConvolutionWindow } from '../convolution.js';

type Kwargs = Record<string, unknown>;

interface Conv1DCommonArgs extends LayerArgs {
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: string;
  dataFormat?: string | null;
  dilationRate?: number | number[];
  activation?: unknown;
  useBias?: boolean;
  biasInitializer?: unknown;
  biasRegularizer?: unknown;
  activityRegularizer?: unknown;
  biasConstraint?: unknown;
}

/** Config keys kept only so getConfig round-trips them; regularizers and constraints do not affect inference. */
const PASSTHROUGH_KEYS = [
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'kernelConstraint',
  'biasConstraint',
  'depthwiseRegularizer',
  'pointwiseRegularizer',
  'depthwiseConstraint',
  'pointwiseConstraint',
] as const;

abstract class Conv1DBase extends tf.layers.Layer {
  protected readonly kernelSize: number;
  protected readonly stride: number;
  protected readonly padding: ConvPadding;
  protected readonly dataFormat: DataFormat;
  protected readonly dilation: number;
  protected readonly activationId: string | null;
  protected readonly useBias: boolean;
  protected readonly biasInitializerId: ConfigValue;
  private readonly passthrough: Record<string, ConfigValue> = {};
  protected bias: tf.LayerVariable | null = null;

  constructor(args: Conv1DCommonArgs, allowedPadding: readonly ConvPadding[]) {
    super(args);
    if (args.kernelSize === undefined) throw new Error(`${this.getClassName()}: kernel_size is required.`);
    this.kernelSize = normalizeInt(args.kernelSize, 'kernel_size');
    this.stride = normalizeInt(args.strides ?? 1, 'strides');
    this.padding = normalizePadding(args.padding, allowedPadding);
    this.dataFormat = normalizeDataFormat(args.dataFormat);
    this.dilation = normalizeInt(args.dilationRate ?? 1, 'dilation_rate');
    this.activationId = activationName(args.activation);
    getActivation(this.activationId);
    this.useBias = args.useBias ?? true;
    this.biasInitializerId = configValue(args.biasInitializer ?? 'zeros');
    const raw = args as unknown as Record<string, unknown>;
    for (const key of PASSTHROUGH_KEYS) if (key in raw) this.passthrough[key] = configValue(raw[key]);
  }

  protected channelsOf(shape: Shape): number {
    const channels = this.dataFormat === 'channelsFirst' ? shape[1] : shape[shape.length - 1];
    if (shape.length !== 3) throw new Error(`${this.getClassName()} expects a rank-3 input, got shape [${shape.join(', ')}].`);
    if (channels === null || channels === undefined) throw new Error(`${this.getClassName()}: the channel dimension must be known.`);
    return channels;
  }

  protected lengthOf(shape: Shape): number | null {
    return (this.dataFormat === 'channelsFirst' ? shape[2] : shape[1]) ?? null;
  }

  /** The depthwise window of the input once causally padded ('causal' is then 'valid'). */
  protected window(): ConvolutionWindow {
    return { strides: [this.stride], dilations: [this.dilation], padding: this.padding === 'same' ? 'same' : 'valid' };
  }

  protected outputShapeFor(shape: Shape, length: number | null, channels: number): Shape {
    return this.dataFormat === 'channelsFirst' ? [shape[0] ?? null, channels, length] : [shape[0] ?? null, length, channels];
  }

  protected addBias(size: number): void {
    if (!this.useBias) return;
    const init = resolveInitializer(this.biasInitializerId, () => tf.initializers.zeros());
    this.bias = this.addWeight('bias', [size], 'float32', init, undefined, true);
  }

  /** Runs `body` on a channels-last [batch, length, channels] tensor, adds the bias and applies the activation. */
  protected run(inputs: tf.Tensor | tf.Tensor[], body: (x: tf.Tensor3D) => tf.Tensor3D): tf.Tensor {
    return tf.tidy(() => {
      let x = singleTensor(inputs);
      if (this.dataFormat === 'channelsFirst') x = toChannelsLast(x);
      let y: tf.Tensor = body(x as tf.Tensor3D);
      if (this.bias !== null) y = tf.add(y, this.bias.read());
      // Keras applies the activation in the layer's own layout: softmax over the last axis is the length axis for channels_first.
      if (this.dataFormat === 'channelsFirst') y = toChannelsFirst(y);
      return getActivation(this.activationId)(y);
    });
  }

  protected commonConfig(): tf.serialization.ConfigDict {
    return {
      kernelSize: [this.kernelSize],
      strides: [this.stride],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [this.dilation],
      activation: this.activationId ?? 'linear',
      useBias: this.useBias,
      biasInitializer: this.biasInitializerId,
      ...this.passthrough,
    };
  }
}

/** Left-pads the length axis for Keras 2's 'causal' padding, after which the convolution is 'valid'. */
function causalPad(x: tf.Tensor3D, amount: number): tf.Tensor3D {
  return amount > 0
    ? tf.pad(x, [
        [0, 0],
        [amount, 0],
        [0, 0],
      ])
    : x;
}

export interface Conv1DTransposeArgs extends Conv1DCommonArgs {
  filters?: number;
  outputPadding?: number | number[] | null;
  kernelInitializer?: unknown;
}

/**
 * Keras `_convert_conv_transpose_padding_args_from_keras_to_jax`: the padding (left, right) applied to the
 * stride-dilated input before a stride-1 convolution with the flipped kernel.
 */
export function transposePadding(
  kernel: number,
  stride: number,
  dilation: number,
  padding: ConvPadding,
  outputPadding: number | null,
): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    const extra = outputPadding ?? Math.max(effective, stride) - effective;
    return [effective - 1, effective - 1 + extra];
  }
  const total = outputPadding === null ? stride + effective - 2 : effective + (effective % 2) - 2 + outputPadding;
  const left = Math.min(Math.floor(total / 2) + (total % 2), effective - 1);
  return [left, total - left];
}

export class Conv1DTranspose extends Conv1DBase {
  static className = 'Conv1DTranspose';
  private readonly filters: number;
  private readonly outputPadding: number | null;
  private readonly kernelInitializerId: ConfigValue;
  private kernel: tf.LayerVariable | null = null;

  constructor(args: Conv1DTransposeArgs) {
    super(args, ['valid', 'same']);
    this.filters = normalizeInt(args.filters, 'filters');
    this.outputPadding =
      args.outputPadding === undefined || args.outputPadding === null ? null : normalizeInt(args.outputPadding, 'output_padding', false);
    this.kernelInitializerId = configValue(args.kernelInitializer ?? 'glorotUniform');
    // Same argument checks as Keras's BaseConvTranspose.
    if (this.outputPadding !== null && this.outputPadding >= this.stride) {
      throw new Error(`Conv1DTranspose: output_padding (${this.outputPadding}) must be strictly less than strides (${this.stride}).`);
    }
    if (this.stride > 1 && this.dilation > 1) {
      throw new Error(
        `Conv1DTranspose: strides > 1 is not supported in conjunction with dilation_rate > 1 (strides=${this.stride}, dilation_rate=${this.dilation}).`,
      );
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = this.channelsOf(shape);
    const init = resolveInitializer(this.kernelInitializerId, () => tf.initializers.glorotUniform({}));
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.filters, channels], 'float32', init, undefined, true);
    this.addBias(this.filters);
    this.built = true;
  }

  private outputLength(length: number | null): number | null {
    if (length === null) return null;
    const [left, right] = transposePadding(this.kernelSize, this.stride, this.dilation, this.padding, this.outputPadding);
    const effective = (this.kernelSize - 1) * this.dilation + 1;
    return (length - 1) * this.stride + 1 + left + right - effective + 1;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    return this.outputShapeFor(shape, this.outputLength(this.lengthOf(shape)), this.filters);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const kernel = this.kernel;
    if (kernel === null) throw new Error('Conv1DTranspose called before build.');
    return this.run(inputs, (x) => {
      const [batch, length, channels] = x.shape;
      const effective = (this.kernelSize - 1) * this.dilation + 1;
      // Scatter form: every input step i adds x[i] * w[j] at i * stride + j * dilation ('valid', full length);
      // Keras's padding then amounts to cropping `crop` steps on the left and zero-filling on the right.
      const full = (length - 1) * this.stride + effective;
      const k = spread(kernel.read(), 0, this.dilation).reshape([1, effective, this.filters, channels]) as tf.Tensor4D;
      const x4 = x.reshape([batch, 1, length, channels]) as tf.Tensor4D;
      const y = tf
        .conv2dTranspose(x4, k, [batch, 1, full, this.filters], [1, this.stride], 'valid')
        .reshape([batch, full, this.filters]) as tf.Tensor3D;
      const [left] = transposePadding(this.kernelSize, this.stride, this.dilation, this.padding, this.outputPadding);
      const crop = effective - 1 - left;
      const outLength = this.outputLength(length) ?? 0;
      const kept = Math.min(outLength, full - crop);
      const cropped = y.slice([0, crop, 0], [batch, kept, this.filters]);
      return kept < outLength
        ? tf.pad(cropped, [
            [0, 0],
            [0, outLength - kept],
            [0, 0],
          ])
        : cropped;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...this.commonConfig(),
      outputPadding: this.outputPadding === null ? null : [this.outputPadding],
      kernelInitializer: this.kernelInitializerId,
    };
  }
}

export interface DepthwiseConv1DArgs extends Conv1DCommonArgs {
  depthMultiplier?: number;
  depthwiseInitializer?: unknown;
}

export class DepthwiseConv1D extends Conv1DBase {
  static className = 'DepthwiseConv1D';
  private readonly depthMultiplier: number;
  private readonly depthwiseInitializerId: ConfigValue;
  private kernel: tf.LayerVariable | null = null;

  constructor(args: DepthwiseConv1DArgs) {
    // Keras 3 only accepts 'valid'/'same'; 'causal' is kept for Keras 2 files.
    super(args, ['valid', 'same', 'causal']);
    this.depthMultiplier = normalizeInt(args.depthMultiplier ?? 1, 'depth_multiplier');
    this.depthwiseInitializerId = configValue(args.depthwiseInitializer ?? 'glorotUniform');
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = this.channelsOf(shape);
    const init = resolveInitializer(this.depthwiseInitializerId, () => tf.initializers.glorotUniform({}));
    this.kernel = this.addWeight('kernel', [this.kernelSize, channels, this.depthMultiplier], 'float32', init, undefined, true);
    this.addBias(channels * this.depthMultiplier);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    const length = convOutputLength(this.lengthOf(shape), this.kernelSize, this.padding, this.stride, this.dilation);
    return this.outputShapeFor(shape, length, this.channelsOf(shape) * this.depthMultiplier);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const kernel = this.kernel;
    if (kernel === null) throw new Error('DepthwiseConv1D called before build.');
    return this.run(inputs, (input) => {
      const x = causalPad(input, this.padding === 'causal' ? (this.kernelSize - 1) * this.dilation : 0);
      return depthwiseConvolution(x, kernel.read(), this.window()) as tf.Tensor3D;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      depthMultiplier: this.depthMultiplier,
      ...this.commonConfig(),
      depthwiseInitializer: this.depthwiseInitializerId,
    };
  }
}

export interface SeparableConv1DArgs extends Conv1DCommonArgs {
  filters?: number;
  depthMultiplier?: number;
  depthwiseInitializer?: unknown;
  pointwiseInitializer?: unknown;
}

export class SeparableConv1D extends Conv1DBase {
  static className = 'SeparableConv1D';
  private readonly filters: number;
  private readonly depthMultiplier: number;
  private readonly depthwiseInitializerId: ConfigValue;
  private readonly pointwiseInitializerId: ConfigValue;
  private depthwiseKernel: tf.LayerVariable | null = null;
  private pointwiseKernel: tf.LayerVariable | null = null;

  constructor(args: SeparableConv1DArgs) {
    // Keras 3 only accepts 'valid'/'same'; 'causal' is kept for Keras 2 files.
    super(args, ['valid', 'same', 'causal']);
    this.filters = normalizeInt(args.filters, 'filters');
    this.depthMultiplier = normalizeInt(args.depthMultiplier ?? 1, 'depth_multiplier');
    this.depthwiseInitializerId = configValue(args.depthwiseInitializer ?? 'glorotUniform');
    this.pointwiseInitializerId = configValue(args.pointwiseInitializer ?? 'glorotUniform');
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = this.channelsOf(shape);
    const depthwiseInit = resolveInitializer(this.depthwiseInitializerId, () => tf.initializers.glorotUniform({}));
    const pointwiseInit = resolveInitializer(this.pointwiseInitializerId, () => tf.initializers.glorotUniform({}));
    this.depthwiseKernel = this.addWeight(
      'depthwise_kernel',
      [this.kernelSize, channels, this.depthMultiplier],
      'float32',
      depthwiseInit,
      undefined,
      true,
    );
    this.pointwiseKernel = this.addWeight(
      'pointwise_kernel',
      [1, channels * this.depthMultiplier, this.filters],
      'float32',
      pointwiseInit,
      undefined,
      true,
    );
    this.addBias(this.filters);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape);
    const length = convOutputLength(this.lengthOf(shape), this.kernelSize, this.padding, this.stride, this.dilation);
    return this.outputShapeFor(shape, length, this.filters);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const depthwiseKernel = this.depthwiseKernel;
    const pointwiseKernel = this.pointwiseKernel;
    if (depthwiseKernel === null || pointwiseKernel === null) throw new Error('SeparableConv1D called before build.');
    return this.run(inputs, (input) => {
      const x = causalPad(input, this.padding === 'causal' ? (this.kernelSize - 1) * this.dilation : 0);
      return separableConvolution(x, depthwiseKernel.read(), pointwiseKernel.read(), this.window()) as tf.Tensor3D;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      depthMultiplier: this.depthMultiplier,
      ...this.commonConfig(),
      depthwiseInitializer: this.depthwiseInitializerId,
      pointwiseInitializer: this.pointwiseInitializerId,
    };
  }
}
