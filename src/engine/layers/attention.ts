// TensorFlow.js implementations of the Keras layers of src/analysis/keras/rules/attention.ts that tfjs-layers lacks,
// registered under their Keras class names: EinsumDense, MultiHeadAttention, GroupedQueryAttention, Attention and
// AdditiveAttention. Each computes what Keras 3 (JAX backend) computes at inference, on the weights Keras makes, in
// Keras's order (MultiHeadAttention: query, key, [gate,] value, attention_output; each kernel then bias). The einsum
// equations are Keras's own (shared with the shape rules); they run as transposes, reshapes and one batched matMul,
// since the wasm backend has no Einsum kernel.
//
// Call arguments: MultiHeadAttention and GroupedQueryAttention get their tensors as a list with the node's call
// keywords `tensor_names` (which parameter each is: query, value, key, attention_mask, …), `return_attention_scores`
// and `use_causal_mask` (src/graph/keras-json.ts writes them; tfjs camel-cases keys and string values).

import * as tf from '@tensorflow/tfjs';
import type { Shape } from '@tensorflow/tfjs';
import { analyzeEinsum, attentionEquations, projectionEquation, resolvedAttentionAxes } from '../../analysis/keras/rules/attention.js';
import {
  activationName,
  configValue,
  getActivation,
  resolveInitializer,
  type Initializer,
  type KerasLayerClass,
  type LayerArgs,
} from './common.js';

type Kwargs = Record<string, unknown>;
type Tensors = tf.Tensor | tf.Tensor[];

// ---- einsum ---------------------------------------------------------------------------------------------------------

const allLetters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/**
 * NumPy's two-operand `einsum` (an ellipsis included, without broadcasting of sizes): letters of one operand only
 * that the output lacks are summed first, then batch letters (both operands and the output), free letters and
 * contracted letters become one batched matMul.
 */
export function einsum(equation: string, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [inputs = '', outputSpec] = equation.replace(/\s/g, '').split('->');
  const [aSpec = '', bSpec = ''] = inputs.split(',');
  if (outputSpec === undefined) throw new Error(`einsum: an equation without "->" is not supported: ${equation}`);
  const spare = [...allLetters].filter((c) => !equation.includes(c));
  const elided = (spec: string, rank: number): number => (spec.includes('...') ? rank - (spec.length - 3) : 0);
  const counts = [elided(aSpec, a.rank), elided(bSpec, b.rank)];
  const width = Math.max(...counts);
  if (counts.some((n) => n < 0) || width > spare.length) throw new Error(`einsum: the ranks do not fit ${equation}`);
  const ellipsis = spare.slice(0, width);
  const expand = (spec: string, n: number): string => spec.replace('...', ellipsis.slice(width - n).join(''));
  return einsumPlain(expand(aSpec, counts[0]!), expand(bSpec, counts[1]!), expand(outputSpec, width), a, b);
}

function einsumPlain(aSpec: string, bSpec: string, outSpec: string, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const equation = `${aSpec},${bSpec}->${outSpec}`;
  if (aSpec.length !== a.rank || bSpec.length !== b.rank) {
    throw new Error(`einsum ${equation}: operands of shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not fit`);
  }
  for (const spec of [aSpec, bSpec, outSpec]) {
    if (new Set(spec).size !== spec.length) throw new Error(`einsum ${equation}: a repeated index is not supported`);
  }
  const sizes = new Map<string, number>();
  const record = (spec: string, shape: readonly number[]): void =>
    [...spec].forEach((c, i) => {
      const known = sizes.get(c);
      if (known !== undefined && known !== shape[i]) throw new Error(`einsum ${equation}: index ${c} has sizes ${known} and ${shape[i]}`);
      sizes.set(c, shape[i]!);
    });
  record(aSpec, a.shape);
  record(bSpec, b.shape);
  for (const c of outSpec) if (!sizes.has(c)) throw new Error(`einsum ${equation}: output index ${c} is in no operand`);
  return tf.tidy(() => {
    // Indices of one operand only that the output does not keep are summed away first.
    const reduce = (x: tf.Tensor, spec: string, other: string): [tf.Tensor, string] => {
      const lonely = [...spec].map((c, i) => [c, i] as const).filter(([c]) => !other.includes(c) && !outSpec.includes(c));
      if (lonely.length === 0) return [x, spec];
      return [
        tf.sum(
          x,
          lonely.map(([, i]) => i),
        ),
        [...spec].filter((c) => !lonely.some(([l]) => l === c)).join(''),
      ];
    };
    const [x, xs] = reduce(a, aSpec, bSpec);
    const [y, ys] = reduce(b, bSpec, aSpec);
    const batch = [...outSpec].filter((c) => xs.includes(c) && ys.includes(c));
    const contracted = [...xs].filter((c) => ys.includes(c) && !outSpec.includes(c));
    const freeA = [...xs].filter((c) => !ys.includes(c));
    const freeB = [...ys].filter((c) => !xs.includes(c));
    const size = (cs: readonly string[]): number[] => cs.map((c) => sizes.get(c)!);
    const arrange = (t: tf.Tensor, spec: string, order: readonly string[]): tf.Tensor => {
      const perm = order.map((c) => spec.indexOf(c));
      return perm.every((p, i) => p === i) ? t : tf.transpose(t, perm);
    };
    const left = arrange(x, xs, [...batch, ...freeA, ...contracted]).reshape([
      product(size(batch)),
      product(size(freeA)),
      product(size(contracted)),
    ]);
    const right = arrange(y, ys, [...batch, ...contracted, ...freeB]).reshape([
      product(size(batch)),
      product(size(contracted)),
      product(size(freeB)),
    ]);
    const result = tf.matMul(left as tf.Tensor3D, right as tf.Tensor3D).reshape([...size(batch), ...size(freeA), ...size(freeB)]);
    return arrange(result, [...batch, ...freeA, ...freeB].join(''), [...outSpec]);
  });
}

// ---- weights --------------------------------------------------------------------------------------------------------

const TfjsVarianceScaling = tf.initializers.varianceScaling({}).constructor as abstract new (...args: never[]) => object;

interface VarianceScalingFields {
  readonly scale: number;
  readonly mode: 'fanIn' | 'fanOut' | 'fanAvg';
  readonly distribution: string;
  readonly seed?: number;
}

/**
 * Keras gives its VarianceScaling initializers (glorot_uniform, he_normal, …) the kernel's input and output axes,
 * whose sizes are the fans; TensorFlow.js would take a rank-3 kernel for a convolution's.
 */
function withFans(initializer: Initializer, inputAxes: readonly number[], outputAxes: readonly number[]): Initializer {
  if (!(initializer instanceof TfjsVarianceScaling)) return initializer;
  const { scale, mode, distribution, seed } = initializer as unknown as VarianceScalingFields;
  const apply = (shape: Shape, dtype?: tf.DataType): tf.Tensor => {
    const dims = shape as number[];
    const fanIn = product(inputAxes.map((axis) => dims[axis]!));
    const fanOut = product(outputAxes.map((axis) => dims[axis]!));
    const fan = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / Math.max(1, fan);
    if (distribution === 'normal') return tf.truncatedNormal(dims, 0, Math.sqrt(variance), 'float32', seed);
    const limit = Math.sqrt(3 * variance);
    return tf.randomUniform(dims, -limit, limit, dtype ?? 'float32', seed);
  };
  return { apply, getClassName: () => 'VarianceScaling', getConfig: () => ({}) } as unknown as Initializer;
}

/** The initializer config with its seed moved by `offset`: Keras's sublayers draw their kernels independently. */
function reseeded(identifier: unknown, offset: number): unknown {
  if (offset === 0 || identifier === null || typeof identifier !== 'object' || !('config' in identifier)) return identifier;
  const config = identifier.config as Record<string, unknown> | null;
  const seed = config?.['seed'];
  if (typeof seed !== 'number') return identifier;
  return { ...identifier, config: { ...config, seed: (seed + 7919 * offset) % 2 ** 31 } };
}

interface ProjectionSpec {
  readonly name: string;
  readonly equation: string;
  readonly biasAxes: string | null;
  readonly outputShape: readonly (number | null)[];
  readonly activation?: string | null;
}

/** An EinsumDense's weights and computation, owned by a layer (EinsumDense itself, or a sublayer of attention). */
class Projection {
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable | null;
  readonly outputShape: (number | null)[];
  private readonly activation: (x: tf.Tensor) => tf.Tensor;

  constructor(
    owner: WeightOwner,
    readonly spec: ProjectionSpec,
    inputShape: Shape,
    initializers: { kernel: unknown; bias: unknown },
  ) {
    const analysis = analyzeEinsum(spec.equation, spec.biasAxes, inputShape, spec.outputShape);
    const prefix = spec.name === '' ? '' : `${spec.name}/`;
    const kernelInit = withFans(
      resolveInitializer(initializers.kernel, () => tf.initializers.glorotUniform({})),
      analysis.inputAxes,
      analysis.outputAxes,
    );
    this.kernel = owner(`${prefix}kernel`, fixed(analysis.kernel, spec.name), kernelInit);
    this.bias =
      analysis.bias === null
        ? null
        : owner(
            `${prefix}bias`,
            fixed(analysis.bias, spec.name),
            resolveInitializer(initializers.bias, () => tf.initializers.zeros()),
          );
    this.outputShape = analysis.output as (number | null)[];
    this.activation = getActivation(spec.activation ?? null);
  }

  apply(x: tf.Tensor): tf.Tensor {
    let y = einsum(this.spec.equation, x, this.kernel.read());
    if (this.bias) y = tf.add(y, this.bias.read());
    return this.activation(y);
  }
}

/** The owning layer's `addWeight` (protected in tfjs), so that its weights are created in Keras's order. */
type WeightOwner = (name: string, shape: number[], initializer: Initializer) => tf.LayerVariable;

function fixed(shape: readonly unknown[], name: string): number[] {
  if (!shape.every((d) => typeof d === 'number'))
    throw new Error(`${name || 'kernel'}: weight shape (${shape.join(', ')}) is not fully defined`);
  return shape as number[];
}

// ---- EinsumDense ----------------------------------------------------------------------------------------------------

interface EinsumDenseArgs extends LayerArgs {
  equation: string;
  outputShape: number | (number | null)[];
  biasAxes?: string | null;
  activation?: unknown;
  kernelInitializer?: unknown;
  biasInitializer?: unknown;
}

export class EinsumDense extends tf.layers.Layer {
  static className = 'EinsumDense';
  private readonly equation: string;
  private readonly partialOutputShape: (number | null)[];
  private readonly biasAxes: string | null;
  private readonly activationName: string | null;
  private readonly kernelInitializer: unknown;
  private readonly biasInitializer: unknown;
  private projection?: Projection;

  constructor(args: EinsumDenseArgs) {
    super(args);
    this.equation = args.equation;
    this.partialOutputShape = typeof args.outputShape === 'number' ? [args.outputShape] : [...args.outputShape];
    this.biasAxes = args.biasAxes ?? null;
    this.activationName = activationName(args.activation);
    this.kernelInitializer = args.kernelInitializer;
    this.biasInitializer = args.biasInitializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const spec = {
      name: '',
      equation: this.equation,
      biasAxes: this.biasAxes,
      outputShape: this.partialOutputShape,
      activation: this.activationName,
    };
    const owner: WeightOwner = (name, shape, initializer) => this.addWeight(name, shape, 'float32', initializer);
    this.projection = new Projection(owner, spec, single(inputShape), { kernel: this.kernelInitializer, bias: this.biasInitializer });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return analyzeEinsum(this.equation, this.biasAxes, single(inputShape), this.partialOutputShape).output as Shape;
  }

  override call(inputs: Tensors, _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => this.projection!.apply(Array.isArray(inputs) ? inputs[0]! : inputs));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      equation: this.equation,
      outputShape: this.partialOutputShape,
      biasAxes: this.biasAxes,
      activation: this.activationName,
      kernelInitializer: configValue(this.kernelInitializer),
      biasInitializer: configValue(this.biasInitializer),
    };
  }
}

function single(inputShape: Shape | Shape[]): Shape {
  return Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0]! : (inputShape as Shape);
}

// ---- shared by the attention layers ----------------------------------------------------------------------------------

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The call's tensor parameters, from `tensor_names` (camel-cased by tfjs). A call exported without them lost its
 * arguments (a model's graph replayed on new tensors): which tensor is the key or a mask, and the call options, are
 * unknown, so it is not evaluated.
 */
function tensorNames(kwargs: Kwargs | undefined, count: number, layer: string): string[] {
  const names = kwargs?.['tensorNames'] ?? kwargs?.['tensor_names'];
  if (Array.isArray(names) && names.length === count) return names.map((n) => snake(String(n)));
  throw new Error(
    `${layer}: the call reached the engine without its arguments (which tensor is the key or a mask), so it is not evaluated`,
  );
}

function option(kwargs: Kwargs | undefined, name: string): boolean {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const value = kwargs?.[camel] ?? kwargs?.[name];
  return value !== undefined && value !== null && value !== false && value !== 0;
}

/** The Keras mask of each input, as tfjs passes them (`kwargs.mask`, aligned with the inputs). */
function inputMasks(kwargs: Kwargs | undefined, count: number): (tf.Tensor | null)[] {
  const mask = kwargs?.['mask'];
  const list = Array.isArray(mask) ? mask : [mask];
  return Array.from({ length: count }, (_, i) => (list[i] instanceof tf.Tensor ? (list[i] as tf.Tensor) : null));
}

/** Keras `_compute_causal_mask`: (1, T, S), true where the key position is not after the query position. */
function causalMask(queryLength: number, valueLength: number): tf.Tensor {
  return tf.tidy(() =>
    tf.linalg
      .bandPart(tf.ones([queryLength, valueLength], 'int32'), -1, 0)
      .cast('bool')
      .expandDims(0),
  );
}

/** Keras `_compute_sliding_window_mask`: (1, T, S), true where |i − j| < window. */
function slidingWindowMask(queryLength: number, valueLength: number, window: number): tf.Tensor {
  return tf.tidy(() => {
    const rows = tf.range(0, queryLength, 1, 'int32').reshape([1, queryLength, 1]);
    const columns = tf.range(0, valueLength, 1, 'int32').reshape([1, 1, valueLength]);
    return tf.less(tf.abs(tf.sub(rows, columns)), window);
  });
}

function and(a: tf.Tensor | null, b: tf.Tensor): tf.Tensor {
  return a === null ? b : tf.logicalAnd(a, b);
}

function softmax(x: tf.Tensor, axes: readonly number[]): tf.Tensor {
  const shifted = tf.sub(x, tf.max(x, axes as number[], true));
  const e = tf.exp(shifted);
  return tf.div(e, tf.sum(e, axes as number[], true));
}

/** Keras's Softmax layer with a mask: masked scores set to -1e9 before, and to 0 after. */
function maskedSoftmax(scores: tf.Tensor, mask: tf.Tensor | null, axes: readonly number[]): tf.Tensor {
  if (mask === null) return softmax(scores, axes);
  const keep = mask.dtype === 'bool' ? mask : tf.greater(mask, 0.5);
  const out = softmax(tf.where(keep, scores, tf.scalar(-1e9)), axes);
  return tf.where(keep, out, tf.zerosLike(out));
}

function expandTo(mask: tf.Tensor, rank: number, axis: number): tf.Tensor {
  let m = mask;
  while (m.rank < rank) m = tf.expandDims(m, axis);
  return m;
}

/** JAX's `dot_product_attention` (the XLA path Keras takes): query, key, value (B, T, N, H); mask broadcast to (B, N, T, S). */
function dotProductAttention(
  query: tf.Tensor,
  key: tf.Tensor,
  value: tf.Tensor,
  mask: tf.Tensor | null,
  scale: number,
  isCausal: boolean,
): tf.Tensor {
  let logits = tf.mul(einsum('BTNH,BSNH->BNTS', query, key), tf.scalar(scale));
  let keep = mask;
  if (isCausal) keep = and(keep, causalMask(logits.shape[2]!, logits.shape[3]!).expandDims(0));
  if (keep !== null) logits = tf.where(keep, logits, tf.scalar(-0.7 * 3.4028234663852886e38));
  return einsum('BNTS,BSNH->BTNH', softmax(logits, [-1]), value);
}

interface AttentionArgs extends LayerArgs {
  dropout?: number;
  useBias?: boolean;
  useGate?: boolean;
  slidingWindow?: number | null;
  kernelInitializer?: unknown;
  biasInitializer?: unknown;
}

/**
 * A layer whose calls carry keywords (which parameter each tensor is, return_attention_scores, use_causal_mask) and
 * the Keras masks of every input. tfjs's graph runner (`Container.runInternalGraph`) passes a node's own keywords
 * with the masks as a list; `LayersModel.call` passes only its own keywords and the first input's mask (and keeps
 * it for the layers after): then the keywords recorded when the node was made stand in, when there is no doubt.
 */
abstract class NamedCallLayer extends tf.layers.Layer {
  /** The keywords of the call being built (build and computeOutputShape do not get them from tfjs). */
  protected pending: Kwargs | undefined;
  /** The keywords of each symbolic call, in node order. */
  private readonly nodeKwargs: Kwargs[] = [];

  override apply(
    inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    if ((Array.isArray(inputs) ? inputs : [inputs]).some((t) => t instanceof tf.SymbolicTensor)) this.nodeKwargs.push({ ...kwargs });
    this.pending = kwargs;
    try {
      return super.apply(inputs, kwargs);
    } finally {
      this.pending = undefined;
    }
  }

  /** The keywords of the call being run, masks as a list aligned with the inputs. */
  protected callKwargs(kwargs: Kwargs | undefined): Kwargs {
    if (Array.isArray(kwargs?.['mask'])) return kwargs;
    if (kwargs !== undefined && 'mask' in kwargs) {
      throw new Error(
        `${this.getClassName()} '${this.name}': the Keras masks of its inputs do not reach it when TensorFlow.js's LayersModel.call runs the model`,
      );
    }
    if (new Set(this.nodeKwargs.map((k) => JSON.stringify(k))).size > 1) {
      throw new Error(
        `${this.getClassName()} '${this.name}' is called with different arguments in different places, which TensorFlow.js's LayersModel.call does not tell apart`,
      );
    }
    return { ...this.nodeKwargs[0], ...kwargs };
  }

  /** Set by `call`: the scores are a second output (tfjs asks for a mask per output right after the call). */
  protected returnedScores = false;

  // The output's Keras mask is the query's; the scores have none.
  override computeMask(_inputs: Tensors, mask?: Tensors): tf.Tensor | tf.Tensor[] {
    const first = ((Array.isArray(mask) ? mask[0] : mask) ?? null) as tf.Tensor;
    return this.returnedScores ? [first, null as unknown as tf.Tensor] : first;
  }
}

abstract class ProjectedAttention extends NamedCallLayer {
  protected readonly dropout: number;
  protected readonly useBias: boolean;
  protected readonly useGate: boolean;
  protected readonly slidingWindow: number | null;
  protected readonly kernelInitializer: unknown;
  protected readonly biasInitializer: unknown;
  private sublayers = 0;

  constructor(args: AttentionArgs) {
    super(args);
    this.supportsMasking = true;
    this.dropout = args.dropout ?? 0;
    this.useBias = args.useBias ?? true;
    this.useGate = args.useGate ?? false;
    this.slidingWindow = args.slidingWindow ?? null;
    this.kernelInitializer = args.kernelInitializer;
    this.biasInitializer = args.biasInitializer;
  }

  protected projection(spec: ProjectionSpec, inputShape: Shape): Projection {
    const offset = this.sublayers++;
    const owner: WeightOwner = (name, shape, initializer) => this.addWeight(name, shape, 'float32', initializer);
    return new Projection(owner, spec, inputShape, {
      kernel: reseeded(this.kernelInitializer, offset),
      bias: reseeded(this.biasInitializer, offset),
    });
  }

  protected shapesByName(inputShape: Shape | Shape[]): Map<string, Shape> {
    const shapes = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const names = tensorNames(this.pending, shapes.length, `${this.getClassName()} '${this.name}'`);
    return new Map(names.map((name, i) => [name, shapes[i]!]));
  }

  /** Keras `_compute_attention_mask`: the Keras masks of query, value and key, causal and sliding-window masks, and `attention_mask`, ANDed. */
  protected attentionMask(
    tensors: Map<string, tf.Tensor>,
    masks: Map<string, tf.Tensor | null>,
    useCausalMask: boolean,
    castGiven: 'always' | 'when-combined',
  ): tf.Tensor | null {
    const query = tensors.get('query')!;
    const value = tensors.get('value')!;
    let auto: tf.Tensor | null = null;
    const queryMask = masks.get('query') ?? null;
    if (queryMask) auto = tf.expandDims(queryMask.cast('bool'), -1);
    const valueMask = tensors.get('value_mask') ?? masks.get('value') ?? null;
    if (valueMask) auto = and(auto, tf.expandDims(valueMask.cast('bool'), -2));
    const keyMask = tensors.get('key_mask') ?? (tensors.has('key') ? (masks.get('key') ?? null) : null);
    if (keyMask) auto = and(auto, tf.expandDims(keyMask.cast('bool'), -2));
    if (useCausalMask) auto = and(auto, causalMask(query.shape[1]!, value.shape[1]!));
    if (this.slidingWindow !== null) auto = and(auto, slidingWindowMask(query.shape[1]!, value.shape[1]!, this.slidingWindow));
    let given = tensors.get('attention_mask') ?? null;
    if (given && (castGiven === 'always' || auto !== null)) given = given.cast('bool');
    if (auto === null) return given;
    return given === null ? auto : tf.logicalAnd(given, auto);
  }

  /** What both projected attentions start from: the call's tensors by parameter, its options, and the attention mask. */
  protected attentionInputs(inputs: Tensors, given: Kwargs, castGiven: 'always' | 'when-combined') {
    const kwargs = this.callKwargs(given);
    const { tensors, masks } = this.named(inputs, kwargs);
    const returnScores = option(kwargs, 'return_attention_scores');
    this.returnedScores = returnScores;
    const useCausalMask = option(kwargs, 'use_causal_mask');
    const value = tensors.get('value')!;
    const causalOnly = this.causalOnly(tensors, masks, useCausalMask);
    return {
      query: tensors.get('query')!,
      value,
      key: tensors.get('key') ?? value,
      returnScores,
      causalOnly,
      mask: causalOnly ? null : this.attentionMask(tensors, masks, useCausalMask, castGiven),
    };
  }

  /** The call's tensors and their Keras masks, by parameter. */
  protected named(inputs: Tensors, kwargs: Kwargs): { tensors: Map<string, tf.Tensor>; masks: Map<string, tf.Tensor | null> } {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const names = tensorNames(kwargs, list.length, `${this.getClassName()} '${this.name}'`);
    const masks = inputMasks(kwargs, list.length);
    return {
      tensors: new Map(names.map((name, i) => [name, list[i]!])),
      masks: new Map(names.map((name, i) => [name, masks[i]!])),
    };
  }

  /** Whether the call needs no mask but the causal one (Keras then runs the backend's causal attention). */
  protected causalOnly(tensors: Map<string, tf.Tensor>, masks: Map<string, tf.Tensor | null>, useCausalMask: boolean): boolean {
    return (
      useCausalMask &&
      !masks.get('query') &&
      !(tensors.get('value_mask') ?? masks.get('value')) &&
      !(tensors.get('key_mask') ?? (tensors.has('key') ? masks.get('key') : null)) &&
      !tensors.has('attention_mask') &&
      this.slidingWindow === null
    );
  }

  protected commonConfig(): tf.serialization.ConfigDict {
    return {
      dropout: this.dropout,
      useBias: this.useBias,
      useGate: this.useGate,
      slidingWindow: this.slidingWindow,
      kernelInitializer: configValue(this.kernelInitializer),
      biasInitializer: configValue(this.biasInitializer),
    };
  }
}

// ---- MultiHeadAttention ---------------------------------------------------------------------------------------------

interface MultiHeadAttentionArgs extends AttentionArgs {
  numHeads: number;
  keyDim: number;
  valueDim?: number | null;
  outputShape?: number | number[] | null;
  attentionAxes?: number | number[] | null;
}

function outputShapeOf(value: number | number[] | null | undefined): number[] | null {
  if (value === null || value === undefined || value === 0) return null;
  const shape = typeof value === 'number' ? [value] : value;
  return shape.length === 0 ? null : shape;
}

export class MultiHeadAttention extends ProjectedAttention {
  static className = 'MultiHeadAttention';
  private readonly numHeads: number;
  private readonly keyDim: number;
  private readonly valueDim: number;
  private readonly partialOutputShape: number[] | null;
  private readonly givenAttentionAxes: number[] | null;
  private weightsOf?: { query: Projection; key: Projection; gate: Projection | null; value: Projection; output: Projection };
  private equations?: { dot: string; combine: string; softmaxAxes: number[]; axes: number[] };

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim || args.keyDim;
    this.partialOutputShape = outputShapeOf(args.outputShape);
    const axes = args.attentionAxes;
    this.givenAttentionAxes = axes === null || axes === undefined ? null : typeof axes === 'number' ? [axes] : [...axes];
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = this.shapesByName(inputShape);
    const query = shapes.get('query')!;
    const value = shapes.get('value')!;
    const key = shapes.get('key') ?? value;
    const bias = (axes: string): string | null => (this.useBias ? axes : null);
    const project = (name: string, input: Shape, last: number, activation: string | null = null): Projection => {
      const [equation, axes, rank] = projectionEquation(input.length - 1, 1, 2);
      const outputShape = [...Array<null>(rank - 3).fill(null), this.numHeads, last];
      return this.projection({ name, equation, biasAxes: bias(axes), outputShape, activation }, input);
    };
    const queryDense = project('query', query, this.keyDim);
    const keyDense = project('key', key, this.keyDim);
    const gate = this.useGate ? project('gate', query, this.valueDim, 'sigmoid') : null;
    const valueDense = project('value', value, this.valueDim);
    const rank = value.length + 1;
    const axes = resolvedAttentionAxes(this.givenAttentionAxes, rank);
    this.equations = { ...attentionEquations(rank, axes), axes };
    const outputShape = this.partialOutputShape ?? [query.at(-1)!];
    const [equation, axesOut, outputRank] = projectionEquation(query.length - 1, 2, outputShape.length);
    const output = this.projection(
      {
        name: 'attention_output',
        equation,
        biasAxes: bias(axesOut),
        outputShape: [...Array<null>(outputRank - 1 - outputShape.length).fill(null), ...outputShape],
      },
      [...queryDense.outputShape.slice(0, -1), this.valueDim],
    );
    this.weightsOf = { query: queryDense, key: keyDense, gate, value: valueDense, output };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const query = this.shapesByName(inputShape).get('query')!;
    const output = this.partialOutputShape ? [...query.slice(0, -1), ...this.partialOutputShape] : [...query];
    if (!option(this.pending, 'return_attention_scores')) return output;
    return [output, [query[0]!, this.numHeads, query[1]!, query[1]!]];
  }

  override call(inputs: Tensors, given: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const { query, value, key, returnScores, causalOnly, mask: attentionMask } = this.attentionInputs(inputs, given, 'always');
      let mask = attentionMask;
      const w = this.weightsOf!;
      const gate = w.gate?.apply(query) ?? null;
      const q = w.query.apply(query);
      const k = w.key.apply(key);
      const v = w.value.apply(value);
      const scale = 1 / Math.sqrt(this.keyDim);
      const { dot, combine, softmaxAxes, axes } = this.equations!;
      let attended: tf.Tensor;
      let scores: tf.Tensor | null = null;
      if (!(this.dropout > 0 || returnScores || q.rank !== 4)) {
        if (mask !== null) mask = expandTo(mask, 4, -axes.length * 2 - 1).cast('bool');
        attended = dotProductAttention(q, k, v, mask, scale, causalOnly);
      } else {
        if (causalOnly) mask = causalMask(q.shape[1]!, v.shape[1]!);
        const raw = einsum(dot, k, tf.mul(q, tf.scalar(scale)));
        scores = maskedSoftmax(raw, mask === null ? null : expandTo(mask, raw.rank, -axes.length * 2 - 1), softmaxAxes);
        attended = einsum(combine, scores, v);
      }
      const output = w.output.apply(gate ? tf.mul(attended, gate) : attended);
      return returnScores ? [output, scores!] : output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...this.commonConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      outputShape: this.partialOutputShape,
      attentionAxes: this.givenAttentionAxes,
    };
  }
}

// ---- GroupedQueryAttention ------------------------------------------------------------------------------------------

interface GroupedQueryAttentionArgs extends AttentionArgs {
  headDim: number;
  numQueryHeads: number;
  numKeyValueHeads: number;
}

/** `ops.repeat(x, repeats, axis=2)`: each head repeated in place. */
function repeatHeads(x: tf.Tensor, repeats: number): tf.Tensor {
  if (repeats === 1) return x;
  const [b, s, h, d] = x.shape as [number, number, number, number];
  return tf.tile(x.reshape([b, s, h, 1, d]), [1, 1, 1, repeats, 1]).reshape([b, s, h * repeats, d]);
}

export class GroupedQueryAttention extends ProjectedAttention {
  static className = 'GroupedQueryAttention';
  private readonly headDim: number;
  private readonly numQueryHeads: number;
  private readonly numKeyValueHeads: number;
  private weightsOf?: { query: Projection; key: Projection; gate: Projection | null; value: Projection; output: Projection };

  constructor(args: GroupedQueryAttentionArgs) {
    super(args);
    this.headDim = args.headDim;
    this.numQueryHeads = args.numQueryHeads;
    this.numKeyValueHeads = args.numKeyValueHeads;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = this.shapesByName(inputShape);
    const query = shapes.get('query')!;
    const value = shapes.get('value')!;
    const key = shapes.get('key') ?? value;
    const bias = (axes: string): string | null => (this.useBias ? axes : null);
    const queryHeads = (name: string, activation: string | null = null): Projection =>
      this.projection(
        { name, equation: 'bqm,muh->bquh', biasAxes: bias('uh'), outputShape: [null, this.numQueryHeads, this.headDim], activation },
        query,
      );
    const keyValueHeads = (name: string, input: Shape): Projection =>
      this.projection(
        { name, equation: 'bkm,mvh->bkvh', biasAxes: bias('vh'), outputShape: [null, this.numKeyValueHeads, this.headDim] },
        input,
      );
    const queryDense = queryHeads('query');
    const keyDense = keyValueHeads('key', key);
    const gate = this.useGate ? queryHeads('gate', 'sigmoid') : null;
    const valueDense = keyValueHeads('value', value);
    const output = this.projection(
      { name: 'attention_output', equation: 'bquh,uhm->bqm', biasAxes: bias('m'), outputShape: [null, query.at(-1)!] },
      [null, null, this.numQueryHeads, this.headDim],
    );
    this.weightsOf = { query: queryDense, key: keyDense, gate, value: valueDense, output };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = this.shapesByName(inputShape);
    const query = [...shapes.get('query')!];
    if (!option(this.pending, 'return_attention_scores')) return query;
    const source = shapes.get('key') ?? shapes.get('value')!;
    return [query, [query[0]!, this.numQueryHeads, query[1]!, source[1]!]];
  }

  override call(inputs: Tensors, given: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const { query, value, key, returnScores, causalOnly, mask: attentionMask } = this.attentionInputs(inputs, given, 'when-combined');
      let mask = attentionMask;
      const w = this.weightsOf!;
      const gate = w.gate?.apply(query) ?? null;
      const repeats = this.numQueryHeads / this.numKeyValueHeads;
      const q = w.query.apply(query);
      const k = repeatHeads(w.key.apply(key), repeats);
      const v = repeatHeads(w.value.apply(value), repeats);
      const scale = 1 / Math.sqrt(this.headDim);
      let attended: tf.Tensor;
      let scores: tf.Tensor | null = null;
      if (!(this.dropout > 0 || returnScores || q.rank !== 4)) {
        if (mask !== null) mask = expandTo(mask, 4, -3).cast('bool');
        attended = dotProductAttention(q, k, v, mask, scale, causalOnly);
      } else {
        if (causalOnly) mask = causalMask(q.shape[1]!, v.shape[1]!);
        const raw = einsum('bquh,bkuh->buqk', tf.mul(q, tf.scalar(scale)), k);
        scores = maskedSoftmax(raw, mask === null ? null : expandTo(mask, raw.rank, -3), [-1]);
        attended = einsum('buqk,bkuh->bquh', scores, v);
      }
      const output = w.output.apply(gate ? tf.mul(attended, gate) : attended);
      return returnScores ? [output, scores!] : output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...this.commonConfig(),
      headDim: this.headDim,
      numQueryHeads: this.numQueryHeads,
      numKeyValueHeads: this.numKeyValueHeads,
    };
  }
}

// ---- Attention and AdditiveAttention ----------------------------------------------------------------------------------

interface DotAttentionArgs extends LayerArgs {
  useScale?: boolean;
  scoreMode?: string;
  dropout?: number;
  /** Not a Keras argument: the rule adds Keras's fixed glorot_uniform, so that the engine seeds it like the others. */
  scaleInitializer?: unknown;
}

abstract class ScoreAttention extends NamedCallLayer {
  protected readonly useScale: boolean;
  protected readonly dropout: number;
  protected scale: tf.LayerVariable | null = null;

  constructor(args: DotAttentionArgs, useScaleDefault: boolean) {
    super(args);
    this.supportsMasking = true;
    this.useScale = args.useScale ?? useScaleDefault;
    this.dropout = args.dropout ?? 0;
  }

  protected abstract scores(query: tf.Tensor, key: tf.Tensor): tf.Tensor;

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = inputShape as Shape[];
    const [query, value] = [shapes[0]!, shapes[1]!];
    const key = shapes[2] ?? value;
    const output = [...query.slice(0, -1), value.at(-1)!];
    if (!option(this.pending, 'return_attention_scores')) return output;
    return [output, [...query.slice(0, -1), key.at(-2)!]];
  }

  override call(inputs: Tensors, given: Kwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const kwargs = this.callKwargs(given);
      const list = inputs as tf.Tensor[];
      const [query, value] = [list[0]!, list[1]!];
      const key = list[2] ?? value;
      const [queryMask, valueMask] = inputMasks(kwargs, list.length);
      this.returnedScores = option(kwargs, 'return_attention_scores');
      let scores = this.scores(query, key);
      let keep: tf.Tensor | null = valueMask ?? null;
      if (option(kwargs, 'use_causal_mask')) {
        const causal = causalMask(scores.shape.at(-2)!, scores.shape.at(-1)!);
        keep = keep ? tf.logicalAnd(tf.expandDims(keep.cast('bool'), -2), causal) : causal;
      }
      if (keep) {
        let padding = tf.logicalNot(keep.cast('bool'));
        if (padding.rank === 2) padding = tf.expandDims(padding, -2);
        scores = tf.where(padding, tf.sub(scores, tf.scalar(1e9)), scores);
      }
      const weights = softmax(scores, [-1]);
      let output = tf.matMul(weights, value);
      if (queryMask) output = tf.where(tf.expandDims(queryMask.cast('bool'), -1), output, tf.zerosLike(output));
      return option(kwargs, 'return_attention_scores') ? [output, weights] : output;
    });
  }
}

export class Attention extends ScoreAttention {
  static className = 'Attention';
  private readonly scoreMode: string;
  private concatScoreWeight: tf.LayerVariable | null = null;

  constructor(args: DotAttentionArgs) {
    super(args, false);
    this.scoreMode = args.scoreMode ?? 'dot';
  }

  override build(_inputShape: Shape | Shape[]): void {
    if (this.useScale) this.scale = this.addWeight('scale', [], 'float32', tf.initializers.ones());
    if (this.scoreMode === 'concat') this.concatScoreWeight = this.addWeight('concat_score_weight', [], 'float32', tf.initializers.ones());
    this.built = true;
  }

  protected scores(query: tf.Tensor, key: tf.Tensor): tf.Tensor {
    if (this.scoreMode === 'dot') {
      const scores = tf.matMul(query, key, false, true);
      return this.scale ? tf.mul(scores, this.scale.read()) : scores;
    }
    const sum = tf.add(tf.expandDims(query, -2), tf.expandDims(key, -3));
    return tf.mul(this.concatScoreWeight!.read(), tf.sum(tf.tanh(this.scale ? tf.mul(this.scale.read(), sum) : sum), -1));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useScale: this.useScale, scoreMode: this.scoreMode, dropout: this.dropout };
  }
}

export class AdditiveAttention extends ScoreAttention {
  static className = 'AdditiveAttention';

  private readonly scaleInitializer: unknown;

  constructor(args: DotAttentionArgs) {
    super(args, true);
    this.scaleInitializer = args.scaleInitializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const dim = (inputShape as Shape[])[0]!.at(-1)!;
    if (this.useScale) {
      const init = withFans(
        resolveInitializer(this.scaleInitializer, () => tf.initializers.glorotUniform({})),
        [0],
        [0],
      );
      this.scale = this.addWeight('scale', [dim], 'float32', init);
    }
    this.built = true;
  }

  protected scores(query: tf.Tensor, key: tf.Tensor): tf.Tensor {
    const t = tf.tanh(tf.add(tf.expandDims(query, -2), tf.expandDims(key, -3)));
    return tf.sum(this.scale ? tf.mul(this.scale.read(), t) : t, -1);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useScale: this.useScale, dropout: this.dropout };
  }
}

export const attentionLayers: readonly KerasLayerClass[] = [
  EinsumDense,
  MultiHeadAttention,
  GroupedQueryAttention,
  Attention,
  AdditiveAttention,
];
