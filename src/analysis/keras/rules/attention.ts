// Attention: MultiHeadAttention, GroupQueryAttention, Attention, AdditiveAttention, and EinsumDense.
//
// EinsumDense's shapes are a port of Keras's `_analyze_einsum_string` (keras/src/layers/core/einsum_dense.py),
// Python's indexing included: its quirks are Keras's (an ellipsis on the left lists the elided input axes in
// reverse order; `output_shape` given None where the input has a size stays None). MultiHeadAttention and
// GroupQueryAttention are their `build` (the EinsumDense projections Keras makes, each checked as Keras's
// `add_weight` checks it) and their `compute_output_spec`, whose scores shape repeats the query length. The
// equations are exported for the TensorFlow.js layers of src/engine/layers/attention.ts.

import { formatShape, isKnown, isSymbolic, sameDim, type Dim, type Shape } from '../../../graph/shape.js';
import type { JsonValue } from '../../../graph/ir.js';
import { LayerError, type CallArguments, type LayerConfig, type LayerOutput, type LayerRule } from '../rule.js';
import { withLora } from './lora.js';
import { bool, pythonRepr, sizeArgument, str, undefinedWeightShapeMessage } from './util.js';

// ---- EinsumDense ------------------------------------------------------------------------------------------------

export interface EinsumAnalysis {
  readonly kernel: Dim[];
  readonly bias: Dim[] | null;
  /** What `compute_output_shape` returns. */
  readonly output: Dim[];
  /** The kernel axes that are input units and output units (Keras gives them to its VarianceScaling initializers). */
  readonly inputAxes: number[];
  readonly outputAxes: number[];
}

/** Python's `seq[index]`, negative indices counting from the end, with Python's IndexError text. */
function at<T>(items: readonly T[], index: number, kind: 'tuple' | 'list'): T {
  const i = index < 0 ? items.length + index : index;
  if (i < 0 || i >= items.length) throw new LayerError(`${kind} index out of range`);
  return items[i]!;
}

/** Python's `a != b` for two dims; a size known only at run time compares as equal (Keras may or may not raise). */
function differ(a: Dim, b: Dim): boolean {
  if (isSymbolic(a) || isSymbolic(b)) return false;
  return !sameDim(a, b);
}

/** Keras `_analyze_einsum_string`: kernel, bias and output shapes of an EinsumDense on `inputShape`. */
export function analyzeEinsum(equation: string, biasAxes: string | null, inputShape: Shape, partialOutput: readonly Dim[]): EinsumAnalysis {
  const replaced = equation.replace(/\.\.\./g, '0');
  const plain = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)/.exec(replaced);
  const left = plain ? null : /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)/.exec(replaced);
  const right = plain || left ? null : /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0/.exec(replaced);
  const match = plain ?? left ?? right;
  if (!match) {
    throw new LayerError(
      `Invalid einsum equation '${equation}'. Equations must be in the form [X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....`,
    );
  }
  const [, inputSpec, weightSpec, outputSpec] = match as unknown as [string, string, string, string];
  const leftElided = left !== null;
  const elided = inputShape.length - inputSpec.length;
  const output: Dim[] = [...partialOutput];
  output.unshift(at(inputShape, 0, 'tuple'));
  if (elided > 0 && leftElided) for (let i = 1; i < elided; i++) output.splice(1, 0, at(inputShape, i, 'tuple'));
  else if (elided > 0) for (let i = inputShape.length - elided; i < inputShape.length; i++) output.push(at(inputShape, i, 'tuple'));

  const inputDim = new Map<string, number>();
  const outputDim = new Map<string, number>();
  [...inputSpec].forEach((dim, i) => inputDim.set(dim, leftElided ? i + elided - inputShape.length : i));
  [...outputSpec].forEach((dim, i) => outputDim.set(dim, leftElided ? i + elided : i));

  // A size known only at run time that the output repeats: Keras checks it then; we carry it.
  for (const dim of inputSpec) {
    const given = at(inputShape, inputDim.get(dim)!, 'tuple');
    if (!outputDim.has(dim)) continue;
    const index = outputDim.get(dim)!;
    const wanted = at(output, index, 'list');
    if (wanted !== null && differ(wanted, given)) {
      throw new LayerError(
        `Input shape and output shape do not match at shared dimension '${dim}'. Input shape is ${pythonDim(given)}, and output shape is ${pythonDim(wanted)}.`,
      );
    }
    if (wanted !== null && isSymbolic(given) && !isSymbolic(wanted)) output[index < 0 ? output.length + index : index] = given;
  }
  for (const dim of outputSpec) {
    if (!inputSpec.includes(dim) && !weightSpec.includes(dim)) {
      throw new LayerError(
        `Dimension '${dim}' was specified in the output '${outputSpec}' but has no corresponding dim in the input spec '${inputSpec}' or weight spec '${outputSpec}'`,
      );
    }
  }
  const kernel: Dim[] = [];
  const inputAxes: number[] = [];
  const outputAxes: number[] = [];
  [...weightSpec].forEach((dim, i) => {
    if (outputDim.has(dim)) {
      kernel.push(at(output, outputDim.get(dim)!, 'list'));
      outputAxes.push(i);
    } else if (inputDim.has(dim)) {
      kernel.push(at(inputShape, inputDim.get(dim)!, 'tuple'));
      inputAxes.push(i);
    } else {
      throw new LayerError(
        `Weight dimension '${dim}' did not have a match in either the input spec '${inputSpec}' or the output spec '${outputSpec}'. For this layer, the weight must be fully specified.`,
      );
    }
  });
  let bias: Dim[] | null = null;
  if (biasAxes !== null) {
    const shift = leftElided ? elided : 0;
    const sizes = new Map<string, Dim>();
    [...outputSpec].forEach((char, i) => sizes.set(char, at(output, i + shift, 'list')));
    for (const char of biasAxes) {
      if (!outputSpec.includes(char)) {
        throw new LayerError(`Bias dimension '${char}' was requested, but is not part of the output spec '${outputSpec}'`);
      }
    }
    if (biasAxes.length === 0) throw new LayerError('min() arg is an empty sequence');
    const first = Math.min(...[...biasAxes].map((char) => outputSpec.indexOf(char)));
    bias = [...outputSpec.slice(first)].map((char) => (biasAxes.includes(char) ? sizes.get(char)! : 1));
    if (!leftElided) for (let i = 0; i < elided; i++) bias.push(1);
  }
  return { kernel, bias, output, inputAxes, outputAxes };
}

function pythonDim(dim: Dim): string {
  return dim === null ? 'None' : isSymbolic(dim) ? dim.symbol : String(dim);
}

/** Python's `f"{value}"`: strings bare, everything else as its repr. */
function pythonStr(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : pythonRepr(value ?? null);
}

/** Python's truthiness of a config or call value. */
function truthy(value: JsonValue | undefined): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * Keras `add_weight`: a shape with a None is refused, with the variable's path (`mha/query/kernel`).
 * Returns the number of values, or null when a size is known only at run time.
 */
function weightSize(shape: readonly Dim[], path: string): number | null {
  if (shape.includes(null)) throw new LayerError(undefinedWeightShapeMessage(shape, path));
  let size = 1;
  for (const dim of shape) {
    if (!isKnown(dim)) return null;
    size *= dim;
  }
  return size;
}

/** Sums weight counts; null when any is. */
function total(counts: readonly (number | null)[]): number | null {
  return counts.every((c) => c !== null) ? (counts as number[]).reduce((a, b) => a + b, 0) : null;
}

/** Keras's `EinsumDense.output_shape` as the constructor stores it: an int becomes a 1-tuple. */
function partialOutputShape(config: LayerConfig, key = 'output_shape'): Dim[] {
  const value = config[key];
  if (typeof value === 'number' && !Number.isInteger(value)) throw new LayerError(`'float' object is not iterable`);
  const items = typeof value === 'number' || typeof value === 'string' ? [value] : value;
  if (!Array.isArray(items))
    throw new LayerError(`'${value === null || value === undefined ? 'NoneType' : 'dict'}' object is not iterable`);
  return items.map((item) => dimOf(item, key));
}

function dimOf(item: JsonValue | undefined, key: string): Dim {
  if (item === null) return null;
  if (typeof item === 'number' && Number.isInteger(item)) return item;
  if (typeof item === 'string') return sizeArgument({ [key]: item }, key);
  throw new LayerError(`Invalid \`${key}\`: ${pythonRepr(item ?? null)}.`);
}

function optionalString(config: LayerConfig, key: string): string | null {
  return config[key] === null || config[key] === undefined ? null : str(config, key);
}

/** One EinsumDense built on `input`, as Keras's `build` does it: its weights checked, counted. */
function einsumDense(
  equation: string,
  biasAxes: string | null,
  input: Shape,
  partialOutput: readonly Dim[],
  path: string,
): { analysis: EinsumAnalysis; params: number | null } {
  const analysis = analyzeEinsum(equation, biasAxes, input, partialOutput);
  const kernel = weightSize(analysis.kernel, `${path}/kernel`);
  const bias = analysis.bias === null ? 0 : weightSize(analysis.bias, `${path}/bias`);
  return { analysis, params: total([kernel, bias]) };
}

const einsumDenseRule: LayerRule = {
  activatesLast: true,
  hoverKeys: ['equation', 'output_shape', 'bias_axes', 'activation'],
  normalize(config) {
    return { ...config, output_shape: partialOutputShape(config).map((d) => (isSymbolic(d) ? d.symbol : d)) };
  },
  compute(config, [input]) {
    const name = typeof config['name'] === 'string' ? config['name'] : 'einsum_dense';
    const { analysis, params } = einsumDense(
      str(config, 'equation'),
      optionalString(config, 'bias_axes'),
      input!,
      partialOutputShape(config),
      name,
    );
    const kernel = analysis.kernel.every(isKnown) ? (analysis.kernel as number[]) : null;
    return { outputs: [analysis.output], ...withLora(params, config, kernel), built: { ndim: input!.length } };
  },
};

// ---- MultiHeadAttention and GroupQueryAttention --------------------------------------------------------------------

const letters = 'abcdefghijklmnopqrstuvwxyz';

/** Keras `_build_proj_equation`: the einsum of a projection, its bias axes, and the rank of its output. */
export function projectionEquation(freeDims: number, boundDims: number, outputDims: number): [string, string, number] {
  const free = letters.slice(0, freeDims);
  const bound = letters.slice(freeDims, freeDims + boundDims);
  const out = letters.slice(freeDims + boundDims, freeDims + boundDims + outputDims);
  return [`${free}${bound},${bound}${out}->${free}${out}`, out, freeDims + outputDims];
}

/** Keras `_get_output_shape`. */
function projectionOutput(outputRank: number, knownLastDims: readonly Dim[]): Dim[] {
  return [...Array<Dim>(Math.max(0, outputRank - knownLastDims.length)).fill(null), ...knownLastDims];
}

/**
 * Keras `_build_attention_equation` for projected tensors of rank `rank` and the attention axes: the query-key
 * product (`key, query -> scores`), the combination (`scores, value -> output`), and the softmax axes.
 */
export function attentionEquations(
  rank: number,
  attentionAxes: readonly number[],
): { dot: string; combine: string; softmaxAxes: number[] } {
  for (const axis of attentionAxes) {
    if (axis < -rank || axis >= rank) throw new LayerError(`index ${axis} is out of bounds for axis 0 with size ${rank}`);
  }
  const deleted = new Set([...attentionAxes, rank - 1].map((axis) => (axis < 0 ? axis + rank : axis)));
  const batchDims = [...Array(rank).keys()].filter((i) => !deleted.has(i));
  const target = letters.slice(0, rank);
  let offset = rank;
  let source = '';
  for (let i = 0; i < rank; i++) source += batchDims.includes(i) || i === rank - 1 ? target[i]! : letters[offset++]!;
  const pick = (notation: string, axes: readonly number[]): string => axes.map((i) => at([...notation], i, 'tuple')).join('');
  const product = pick(target, batchDims) + pick(target, attentionAxes) + pick(source, attentionAxes);
  const scoresRank = product.length;
  return {
    dot: `${source},${target}->${product}`,
    combine: `${product},${source}->${target}`,
    softmaxAxes: [...Array(attentionAxes.length).keys()].map((i) => scoresRank - attentionAxes.length + i),
  };
}

/** MultiHeadAttention's attention axes once built on projected tensors of rank `rank`. */
export function resolvedAttentionAxes(attentionAxes: readonly number[] | null, rank: number): number[] {
  if (attentionAxes === null) return [...Array(Math.max(0, rank - 3)).keys()].map((i) => i + 1);
  return attentionAxes.map((axis) => (axis >= 0 ? axis : rank - 1 + axis));
}

/** `attention_axes` as the constructor stores it: None, or a tuple. */
function attentionAxesOf(config: LayerConfig): number[] | null {
  const value = config['attention_axes'];
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return [value];
  return Array.isArray(value) ? value.map((axis) => Number(axis)) : null;
}

/** A required positive int argument, or a size known only at run time. */
function positiveSize(config: LayerConfig, key: string, message: string): Dim {
  const value = config[key];
  if (typeof value === 'string') return sizeArgument(config, key);
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new LayerError(`${message} Received: ${key}=${pythonRepr(value ?? null)}`);
  }
  return value;
}

function slidingWindow(config: LayerConfig): void {
  const value = config['sliding_window'];
  if (value !== null && value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)) {
    throw new LayerError(`\`sliding_window\` must be \`None\` or a positive integer. Received: sliding_window=${pythonRepr(value)}`);
  }
}

function flashDropout(config: LayerConfig): void {
  const dropout = config['dropout'];
  if (config['flash_attention'] === true && typeof dropout === 'number' && dropout > 0) {
    throw new LayerError('Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 to use flash attention.');
  }
}

/** The call's tensors by parameter; Python's TypeError for a missing required one. */
function callShapes(call: CallArguments, inputs: Shape[], required: readonly string[]): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  call.names.forEach((name, i) => shapes.set(name, inputs[i]!));
  // Called without names (a model's graph replayed on new inputs): query and value come first in every call; what
  // follows may be the key or a mask, and changes neither the output shape nor the weights built at the first call.
  if (call.names.length === 0) inputs.slice(0, 2).forEach((shape, i) => shapes.set(attentionCallTensors[i]!, shape));
  for (const name of required) if (!shapes.has(name)) throw new LayerError(`missing a required argument: '${name}'`);
  return shapes;
}

/** Python's `a[1:-1] != b[1:-1]` on two shapes. */
function innerDimsDiffer(a: Shape, b: Shape): boolean {
  const x = a.slice(1, -1);
  const y = b.slice(1, -1);
  return x.length !== y.length || x.some((d, i) => differ(d, y[i]!));
}

function keyValueCheck(value: Shape, key: Shape): void {
  if (innerDimsDiffer(value, key)) {
    throw new LayerError(
      `All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${formatShape(value)} and key_shape=${formatShape(key)}`,
    );
  }
}

/** The call parameters of MultiHeadAttention and GroupQueryAttention that take tensors, in Keras's positional order. */
export const attentionCallTensors = ['query', 'value', 'key', 'query_mask', 'value_mask', 'key_mask', 'attention_mask'] as const;
const attentionCallOptions = ['return_attention_scores', 'use_causal_mask'];

/**
 * A size argument whose value the analysis may not know (config null: the argument is an unknown value, reported
 * where the layer is made): a stand-in size that leaves the parameter count unknown, and None where it shows.
 */
function sizeOrUnknown(config: LayerConfig, key: string): Dim {
  return config[key] === null || config[key] === undefined ? unknownSize : sizeArgument(config, key);
}

const unknownSize: Dim = { symbol: '<unknown>' };

/** An output dim: the stand-in of an unknown argument shows as None. */
function shown(dim: Dim): Dim {
  return dim === unknownSize ? null : dim;
}

function layerName(config: LayerConfig, fallback: string): string {
  return typeof config['name'] === 'string' ? config['name'] : fallback;
}

const multiHeadAttention: LayerRule = {
  // Its weights are in sublayers it makes without its own `trainable` (measured: a model holding it frozen counts them trainable).
  sublayersKeepTrainable: true,
  callTensors: attentionCallTensors,
  callOptions: attentionCallOptions,
  hoverKeys: ['num_heads', 'key_dim', 'value_dim', 'output_shape', 'attention_axes', 'use_bias', 'use_gate', 'dropout'],
  normalize(config) {
    positiveSize(config, 'num_heads', 'Received an invalid value for argument `num_heads`, expected a positive integer.');
    const keyDim = positiveSize(config, 'key_dim', 'Received an invalid value for argument `key_dim`, expected a positive integer.');
    const valueDim = config['value_dim'];
    if (valueDim !== null && valueDim !== undefined) {
      positiveSize(config, 'value_dim', 'Received an invalid value for argument `value_dim`, expected a positive integer or `None`.');
    }
    const out: Record<string, JsonValue> = { ...config };
    // `value_dim if value_dim else key_dim`
    if (!valueDim) out['value_dim'] = isSymbolic(keyDim) ? keyDim.symbol : keyDim;
    const shape = config['output_shape'];
    if (truthy(shape)) {
      if (typeof shape === 'number' && !Number.isInteger(shape)) {
        throw new LayerError(
          `Invalid \`output_shape\`: ${pythonStr(shape)}. When specified, the \`output_shape\` should be of type tuple, list, or int.`,
        );
      }
      out['output_shape'] = typeof shape === 'number' || typeof shape === 'string' ? [shape] : shape!;
    }
    const axes = config['attention_axes'];
    if (typeof axes === 'number') out['attention_axes'] = [axes];
    else if (truthy(axes) && !Array.isArray(axes)) {
      throw new LayerError(`\`attention_axes\` must be an int, list, or tuple.Received: attention_axes=${pythonStr(axes)}`);
    }
    slidingWindow(config);
    flashDropout(config);
    return out;
  },
  compute(config, inputs, _context, call) {
    const shapes = callShapes(call, inputs, ['query', 'value']);
    const query = shapes.get('query')!;
    const value = shapes.get('value')!;
    const key = shapes.get('key') ?? value;
    const name = layerName(config, 'multi_head_attention');
    const heads = sizeOrUnknown(config, 'num_heads');
    const keyDim = sizeOrUnknown(config, 'key_dim');
    const valueDim = sizeOrUnknown(config, 'value_dim');
    const biasAxes = (axes: string): string | null => (bool(config, 'use_bias') ? axes : null);
    keyValueCheck(value, key);
    const counts: (number | null)[] = [];
    const project = (input: Shape, last: Dim, sublayer: string): EinsumAnalysis => {
      const [equation, axes, rank] = projectionEquation(input.length - 1, 1, 2);
      const dense = einsumDense(equation, biasAxes(axes), input, projectionOutput(rank - 1, [heads, last]), `${name}/${sublayer}`);
      counts.push(dense.params);
      return dense.analysis;
    };
    const projectedQuery = project(query, keyDim, 'query');
    project(key, keyDim, 'key');
    if (bool(config, 'use_gate')) project(query, valueDim, 'gate');
    project(value, valueDim, 'value');
    const rank = value.length + 1;
    attentionEquations(rank, resolvedAttentionAxes(attentionAxesOf(config), rank));
    const outputShape = truthy(config['output_shape']) ? partialOutputShape(config) : null;
    const [equation, axes, outputRank] = projectionEquation(query.length - 1, 2, (outputShape ?? [null]).length);
    const denseInput = [...projectedQuery.output.slice(0, -1), valueDim];
    const dense = einsumDense(
      equation,
      biasAxes(axes),
      denseInput,
      projectionOutput(outputRank - 1, outputShape ?? [at(query, -1, 'tuple')]),
      `${name}/attention_output`,
    );
    counts.push(dense.params);
    const output = outputShape ? [...query.slice(0, -1), ...outputShape] : [...query];
    const scores = (): Shape => [at(query, 0, 'tuple'), shown(heads), at(query, 1, 'tuple'), at(query, 1, 'tuple')];
    return attentionOutput(output, call, scores, total(counts));
  },
};

function attentionOutput(output: Shape, call: CallArguments, scores: () => Shape, params: number | null): LayerOutput {
  const withScores = truthy(call.options['return_attention_scores']);
  return { outputs: withScores ? [output, scores()] : [output], params, ...(withScores && { outputIsList: true }) };
}

const groupQueryAttention: LayerRule = {
  // Its weights are in sublayers it makes without its own `trainable` (measured: a model holding it frozen counts them trainable).
  sublayersKeepTrainable: true,
  callTensors: attentionCallTensors,
  callOptions: attentionCallOptions,
  hoverKeys: ['head_dim', 'num_query_heads', 'num_key_value_heads', 'use_bias', 'use_gate', 'dropout'],
  normalize(config) {
    const query = config['num_query_heads'];
    const keyValue = config['num_key_value_heads'];
    if (typeof query === 'number' && typeof keyValue === 'number') {
      if (keyValue === 0) throw new LayerError('integer modulo by zero');
      if (((query % keyValue) + keyValue) % keyValue !== 0) {
        throw new LayerError('`num_query_heads` must be divisible by `num_key_value_heads`.');
      }
    }
    slidingWindow(config);
    flashDropout(config);
    return config;
  },
  compute(config, inputs, _context, call) {
    const shapes = callShapes(call, inputs, ['query', 'value']);
    const query = shapes.get('query')!;
    const value = shapes.get('value')!;
    const key = shapes.get('key') ?? value;
    const name = layerName(config, 'grouped_query_attention');
    const headDim = sizeOrUnknown(config, 'head_dim');
    const queryHeads = sizeOrUnknown(config, 'num_query_heads');
    const keyValueHeads = sizeOrUnknown(config, 'num_key_value_heads');
    const bias = bool(config, 'use_bias');
    const featureDim = at(query, -1, 'tuple');
    const dense = (equation: string, axes: string, input: Shape, output: Dim[], sublayer: string): number | null =>
      einsumDense(equation, bias ? axes : null, input, output, `${name}/${sublayer}`).params;
    const counts = [
      dense('bqm,muh->bquh', 'uh', query, [null, queryHeads, headDim], 'query'),
      dense('bkm,mvh->bkvh', 'vh', key, [null, keyValueHeads, headDim], 'key'),
      ...(bool(config, 'use_gate') ? [dense('bqm,muh->bquh', 'uh', query, [null, queryHeads, headDim], 'gate')] : []),
      dense('bkm,mvh->bkvh', 'vh', value, [null, keyValueHeads, headDim], 'value'),
      dense('bquh,uhm->bqm', 'm', [null, null, queryHeads, headDim], [null, featureDim], 'attention_output'),
    ];
    const valueFeatures = at(value, -1, 'tuple');
    if (differ(featureDim, valueFeatures)) {
      throw new LayerError(
        `The last dimension of \`query_shape\` and \`value_shape\` must be equal, but are ${pythonDim(featureDim)}, ${pythonDim(valueFeatures)}. Received: query_shape=${formatShape(query)}, value_shape=${formatShape(value)}`,
      );
    }
    keyValueCheck(value, key);
    const source = shapes.get('key') ?? value;
    const scores = (): Shape => [at(query, 0, 'tuple'), shown(queryHeads), at(query, 1, 'tuple'), at(source, 1, 'tuple')];
    return attentionOutput([...query], call, scores, total(counts));
  },
};

// ---- Attention and AdditiveAttention ------------------------------------------------------------------------------

function dotAttention(className: 'Attention' | 'AdditiveAttention'): LayerRule {
  const additive = className === 'AdditiveAttention';
  return {
    listInput: true,
    callOptions: attentionCallOptions,
    hoverKeys: additive ? ['use_scale', 'dropout'] : ['use_scale', 'score_mode', 'dropout'],
    // Keras's AdditiveAttention draws its scale from glorot_uniform: named, the engine seeds it like any initializer.
    ...(additive && { evaluation: (config: LayerConfig) => ({ className, config: { ...config, scale_initializer: 'glorot_uniform' } }) }),
    normalize(config) {
      const mode = config['score_mode'];
      if (!additive && mode !== 'dot' && mode !== 'concat') {
        throw new LayerError(
          `Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. Received: score_mode=${pythonStr(mode)}`,
        );
      }
      return config;
    },
    compute(config, inputs, _context, call) {
      if (inputs.length < 2 || inputs.length > 3) {
        throw new LayerError(
          `${className} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: ${inputs.length}.`,
        );
      }
      const [query, value] = inputs as [Shape, Shape];
      const key = inputs[2] ?? value;
      const name = layerName(config, additive ? 'additive_attention' : 'attention');
      let params: number | null = 0;
      if (additive) params = bool(config, 'use_scale') ? weightSize([at(query, -1, 'tuple')], `${name}/scale`) : 0;
      else params = (bool(config, 'use_scale') ? 1 : 0) + (config['score_mode'] === 'concat' ? 1 : 0);
      const output = [...query.slice(0, -1), at(value, -1, 'tuple')];
      const scores = (): Shape => [...query.slice(0, -1), at(key, -2, 'tuple')];
      return attentionOutput(output, call, scores, params);
    },
  };
}

export const attentionRules: Record<string, LayerRule> = {
  MultiHeadAttention: multiHeadAttention,
  // keras.layers.GroupQueryAttention is the class GroupedQueryAttention, the name Keras serializes and auto-names from.
  GroupedQueryAttention: groupQueryAttention,
  Attention: dotAttention('Attention'),
  AdditiveAttention: dotAttention('AdditiveAttention'),
  EinsumDense: einsumDenseRule,
};
