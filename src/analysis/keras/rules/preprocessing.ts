// Preprocessing and augmentation layers (keras/src/layers/preprocessing/), as Keras 3 builds them on a KerasTensor:
// the output spec comes from `compute_output_shape` (dtype: the compute dtype) or the class's own
// `compute_output_spec`, never from `call`, so an image layer accepts any rank symbolically. The arguments each
// constructor rejects are rejected here in its words. At inference (training=False) the random augmentation
// layers return their input (most cast to float32 first); AutoContrast, CenterCrop and CLAHE transform it anyway.
// A size that only adapt() or a vocabulary file fixes is a named dimension, `<layer>.vocabulary_size()`.

import type { JsonValue, LayerEvaluation } from '../../../graph/ir.js';
import { exportConfig } from '../../../graph/keras-json.js';
import { formatShape, isKnown, isSymbolic, symbolic, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError, nonTrainableOf, restoredOf, sumKnown, type LayerConfig, type LayerOutput, type LayerRule } from '../rule.js';
import { computeDtype, pythonRepr, sizeArgument } from './util.js';

// ---- Python's wording ---------------------------------------------------------------------------------------------

/** `str()` of a value as an f-string prints it (a string bare, a sequence as Python prints it). */
function pyStr(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** `str()` of a Python list. */
function pyList(values: readonly JsonValue[]): string {
  return `[${values.map((v) => pythonRepr(v)).join(', ')}]`;
}

/** `str()` of a Python tuple of strings, as Keras prints its allowed values. */
function pyTuple(values: readonly string[]): string {
  return `(${values.map((v) => `'${v}'`).join(', ')}${values.length === 1 ? ',' : ''})`;
}

const isNumber = (value: JsonValue | undefined): value is number => typeof value === 'number';

function isPair(value: JsonValue | undefined): value is JsonValue[] {
  return Array.isArray(value);
}

/** `argument_validation.validate_string_arg`. */
function validateString(config: LayerConfig, key: string, allowed: readonly string[], caller: string, allowNone = false): void {
  const value = config[key];
  if (allowNone && (value === null || value === undefined)) return;
  if (typeof value === 'string' && allowed.includes(value)) return;
  throw new LayerError(
    `Unknown value for \`${key}\` argument of ${caller}. Allowed values are: ${pyTuple(allowed)}. Received: ${key}=${pyStr(value)}`,
  );
}

// ---- Constructor checks of the image layers -----------------------------------------------------------------------

/** `BaseImagePreprocessingLayer._set_factor` (and `_set_factor_by_name`, whose message names another argument). */
function checkFactor(config: LayerConfig, key: string, bounds: readonly [number, number], name = 'factor'): void {
  const value = config[key] ?? null;
  const message = `The \`${name}\` argument should be a number (or a list of two numbers) in the range [${bounds[0]}, ${bounds[1]}]. Received: factor=${pyStr(value)}`;
  if (isPair(value)) {
    const [lower, upper] = value;
    if (value.length !== 2 || (isNumber(lower) && lower > bounds[1]) || (isNumber(upper) && upper < bounds[0]))
      throw new LayerError(message);
  } else if (isNumber(value)) {
    if (value < bounds[0] || value > bounds[1]) throw new LayerError(message);
  } else throw new LayerError(message);
}

/** RandomRotation and RandomBrightness hand `factor` to the base class, which reads `factor or 0.0`. */
function checkBaseFactor(config: LayerConfig, bounds: readonly [number, number]): void {
  const value = config['factor'];
  const falsy =
    value === null || value === undefined || value === 0 || value === false || value === '' || (Array.isArray(value) && value.length === 0);
  if (!falsy) checkFactor(config, 'factor', bounds);
}

/**
 * The classes with no `factor` of their own, whose `factor` keyword goes through `**kwargs` to
 * BaseImagePreprocessingLayer: where its `_USE_BASE_FACTOR` is False the base refuses one, else it checks
 * `factor or 0.0` within `_FACTOR_BOUNDS`.
 */
const factorThroughKwargs: Readonly<Record<string, readonly [number, number] | 'refused'>> = {
  AutoContrast: 'refused',
  CenterCrop: 'refused',
  RandomFlip: 'refused',
  RandomShear: 'refused',
  RandomTranslation: 'refused',
  RandomZoom: 'refused',
  Resizing: 'refused',
  Solarization: 'refused',
  ContrastLimitedAdaptiveHistogramEqualization: [-1, 1],
  Equalization: [-1, 1],
  MaxNumBoundingBoxes: [-1, 1],
  MixUp: [-1, 1],
  RandomColorJitter: [-1, 1],
  RandomCrop: [-1, 1],
};

/** The base constructor's `factor` check runs first, before the class's own. */
function withFactorThroughKwargs(className: string, rule: LayerRule): LayerRule {
  const bounds = factorThroughKwargs[className];
  if (bounds === undefined) return rule;
  return {
    ...rule,
    normalize(config) {
      if (bounds !== 'refused') checkBaseFactor(config, bounds);
      else if (config['factor'] !== null && config['factor'] !== undefined) {
        throw new LayerError(`Layer ${className} does not take a \`factor\` argument. Received: factor=${pyStr(config['factor'])}`);
      }
      return rule.normalize ? rule.normalize(config) : config;
    },
  };
}

/**
 * The `_set_factor(factor, name)` of RandomZoom, RandomTranslation, RandomShear and Solarization: a number or a
 * pair, each within the class's range (`inRange`), with the class's message.
 */
function checkNamedFactor(config: LayerConfig, key: string, message: string, inRange: (n: number) => boolean): void {
  const value = config[key];
  const check = (n: JsonValue | undefined): void => {
    if (isNumber(n) && !inRange(n)) throw new LayerError(`${message}Received: input_number=${pyStr(n)}`);
  };
  if (isPair(value)) {
    if (value.length !== 2) throw new LayerError(`${message}Received: ${key}=${pyStr(value)}`);
    check(value[0]);
    check(value[1]);
  } else if (isNumber(value)) check(value);
  else throw new LayerError(`${message}Received: ${key}=${pyStr(value)}`);
}

/** `_set_value_range`: a list or tuple of two numbers. */
function checkValueRange(config: LayerConfig, key = 'value_range'): void {
  const value = config[key];
  if (!isPair(value) || value.length !== 2) {
    throw new LayerError(`The \`value_range\` argument should be a list of two numbers. Received: value_range=${pyStr(value)}`);
  }
}

const fillModes = ['reflect', 'wrap', 'constant', 'nearest'];
const interpolations = ['nearest', 'bilinear'];

/** The NotImplementedError of the affine-transform layers for an unknown `fill_mode` or `interpolation`. */
function checkChoice(config: LayerConfig, key: string, allowed: string, choices: readonly string[]): void {
  const value = config[key];
  if (typeof value !== 'string' || !choices.includes(value)) {
    throw new LayerError(`Unknown \`${key}\` ${pyStr(value)}. Expected of one ${allowed}.`);
  }
}
const checkFillMode = (config: LayerConfig): void => checkChoice(config, 'fill_mode', pyTuple(fillModes), fillModes);
const checkInterpolation = (config: LayerConfig): void => checkChoice(config, 'interpolation', pyTuple(interpolations), interpolations);

const zoomFactorError =
  'The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the range (-1.0, 1.0]. ';
const translationFactorError = 'The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. ';
const shearFactorError = 'The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. ';
const solarizationFactorError =
  'The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two numbers) in the range [0, 1]. ';

const checkShear = (config: LayerConfig): void => {
  checkNamedFactor(config, 'x_factor', shearFactorError, (n) => n >= 0 && n <= 1);
  checkNamedFactor(config, 'y_factor', shearFactorError, (n) => n >= 0 && n <= 1);
};

/** RandomGaussianBlur's `_set_kernel_size`. */
function checkKernelSize(config: LayerConfig): void {
  const value = config['kernel_size'];
  const odd = `kernel_size must be an odd number. Received: kernel_size=${pyStr(value)}`;
  if (isPair(value)) {
    if (value.length !== 2) {
      throw new LayerError(
        `The \`kernel_size\` argument should be a number (or a list of two numbers) Received: kernel_size=${pyStr(value)}`,
      );
    }
    if (value.some((v) => isNumber(v) && v % 2 === 0)) throw new LayerError(odd);
  } else if (isNumber(value)) {
    if (value % 2 === 0) throw new LayerError(odd);
  } else throw new LayerError(odd);
}

/**
 * AugMix and RandAugment build their sub-layers in the constructor: RandomShear, RandomTranslation, RandomRotation
 * check `interpolation`, then the color layers check `value_range` (the factor they get is already valid).
 */
function checkAugmentationMix(config: LayerConfig): void {
  checkFactor(config, 'factor', [0, 1]);
  checkInterpolation(config);
  checkValueRange(config);
}

// ---- Image layers -------------------------------------------------------------------------------------------------

type Check = (config: LayerConfig) => unknown;

const given = (config: LayerConfig, key: string): boolean => config[key] !== null && config[key] !== undefined;

/** An image layer whose output spec is its input's shape, in the compute dtype; what it does at inference is `evaluation`. */
function image(
  checks: readonly Check[],
  options: {
    evaluation?: (config: LayerConfig) => LayerEvaluation;
    hoverKeys?: readonly string[];
    /** What it does in training instead of returning its input; false: the same as at inference (AutoContrast). */
    training?: string | false;
  } = {},
): LayerRule {
  return {
    normalize(config) {
      for (const check of checks) check(config);
      return config;
    },
    compute: (config, [input]) => ({ outputs: [input!], params: 0, dtype: computeDtype(config) }),
    ...(options.evaluation && { evaluation: options.evaluation }),
    ...(options.training !== false && { training: () => options.training || 'it augments its input at random' }),
    hoverKeys: options.hoverKeys ?? ['factor', 'value_range', 'mode', 'data_format'],
  };
}

/** Channels-last or first, as `backend.standardize_data_format` resolves `data_format=None`. */
function channelsFirst(config: LayerConfig): boolean {
  return config['data_format'] === 'channels_first';
}

/** CenterCrop: `height` and `width` set at axes 1, 2 (batched) or 0, 1 (one image), channels last. */
function croppedShape(config: LayerConfig, input: Shape): Dim[] {
  const out: Dim[] = [...input];
  const height = sizeArgument(config, 'height');
  const width = sizeArgument(config, 'width');
  const first = (input.length === 4 ? 1 : 0) + (channelsFirst(config) ? 1 : 0);
  out[first] = height;
  out[first + 1] = width;
  return out;
}

const centerCrop: LayerRule = {
  compute(config, [input]) {
    if (input!.length !== 3 && input!.length !== 4) {
      throw new LayerError('`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 (batched). ');
    }
    return { outputs: [croppedShape(config, input!)], params: 0, dtype: computeDtype(config) };
  },
  // TensorFlow.js's own CenterCrop crops differently.
  evaluation: () => ({ className: 'TensorLensCenterCrop' }),
  hoverKeys: ['height', 'width', 'data_format'],
};

/**
 * Keras's `Resizing.compute_output_shape`, as Python list assignment: height and width at axes 1, 2 of a rank-4 input
 * (2, 3 channels first), else at 0, 1 (1, 2), whatever the rank; only running it (ops.image.resize) wants rank 3 or 4.
 */
const resizing: LayerRule = {
  compute(config, [input]) {
    const out: Dim[] = [...input!];
    const first = (input!.length === 4 ? 1 : 0) + (channelsFirst(config) ? 1 : 0);
    if (first + 1 >= out.length) throw new LayerError('list assignment index out of range');
    out[first] = sizeArgument(config, 'height');
    out[first + 1] = sizeArgument(config, 'width');
    return { outputs: [out], params: 0 };
  },
  evaluation: (config) =>
    config['antialias'] === true
      ? { refused: 'with antialias=True cannot be evaluated yet (TensorFlow.js has no antialiased resize)' }
      : undefined,
};

/** RandomCrop sets axes -3, -2 (channels last) or -2, -1, as Python list assignment does. */
const randomCrop: LayerRule = {
  compute(config, [input]) {
    const out: Dim[] = [...input!];
    const heightAxis = out.length + (channelsFirst(config) ? -2 : -3);
    if (heightAxis < 0) throw new LayerError('list assignment index out of range');
    out[heightAxis] = sizeArgument(config, 'height');
    out[heightAxis + 1] = sizeArgument(config, 'width');
    return { outputs: [out], params: 0, dtype: computeDtype(config) };
  },
  evaluation: () => ({
    refused:
      'at inference Keras 3.15 returns the input of RandomCrop uncropped, which disagrees with the (height, width) it declares, so its values are not computed',
  }),
  hoverKeys: ['height', 'width', 'data_format'],
};

/** RandomColorDegeneration checks rank and channels in compute_output_shape. */
const randomColorDegeneration: LayerRule = {
  normalize(config) {
    checkFactor(config, 'factor', [-1, 1]);
    checkValueRange(config);
    return config;
  },
  compute(config, [input]) {
    if (input!.length !== 3 && input!.length !== 4) {
      throw new LayerError(
        `Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). Received: input_shape=${formatShape(input!)}`,
      );
    }
    const channels = input!.at(channelsFirst(config) ? -3 : -1)!;
    if (isKnown(channels) && channels !== 3) {
      throw new LayerError(`Input images must have 3 channels, but received images with ${channels} channels.`);
    }
    return { outputs: [input!], params: 0, dtype: computeDtype(config) };
  },
  hoverKeys: ['factor', 'value_range'],
};

/** Python's type name of a config value, as its error messages print it. */
function pyType(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return typeof value['class_name'] === 'string' ? value['class_name'] : 'dict';
}

/** The layers of a Pipeline, as its config holds them (each `{class_name, config}`); Python's error where `call` fails. */
function pipelineLayers(config: LayerConfig): { class_name: string; config: LayerConfig }[] {
  const layers = config['layers'];
  if (typeof layers === 'string') throw new LayerError("'str' object has no attribute '_call_has_mask_arg'");
  if (!Array.isArray(layers)) throw new LayerError(`'${pyType(layers)}' object is not iterable`);
  if (layers.length === 0) throw new LayerError("cannot access local variable 'outputs' where it is not associated with a value");
  return layers.map((layer) => {
    if (!layer || typeof layer !== 'object' || Array.isArray(layer) || typeof layer['class_name'] !== 'string') {
      throw new LayerError(`'${pyType(layer)}' object has no attribute '_call_has_mask_arg'`);
    }
    return { class_name: layer['class_name'], config: (layer['config'] ?? {}) as LayerConfig };
  });
}

/** Pipeline: its layers one after another, their weights summed; the dtype the last one gives. */
const pipeline: LayerRule = {
  training: () => 'its layers may augment their input at random',
  compute(config, [input], context) {
    let shapes: Shape[] = [input!];
    let params: number | null = 0;
    let nonTrainableParams: number | null = 0;
    let restoredBySetter: number | null = 0;
    let dtype = 'float32';
    for (const inner of pipelineLayers(config)) {
      const output: LayerOutput = context.inner(inner, shapes);
      shapes = output.outputs;
      params = params === null || output.params === null ? null : params + output.params;
      const frozen = nonTrainableOf(output);
      nonTrainableParams = nonTrainableParams === null || frozen === null ? null : nonTrainableParams + frozen;
      restoredBySetter = sumKnown(restoredBySetter, restoredOf(output));
      dtype = output.dtype ?? computeDtype(inner.config);
    }
    return { outputs: shapes, params, nonTrainableParams, restoredBySetter, dtype };
  },
  // Each layer as the engine runs it on its own (its rule's `evaluation`), its config as TensorFlow.js reads it.
  evaluation(config, inner) {
    let layers: { class_name: string; config: LayerConfig }[];
    try {
      layers = pipelineLayers(config);
    } catch {
      return { refused: 'its layers are not known' };
    }
    const evaluated: JsonValue[] = [];
    for (const layer of layers) {
      const evaluation = inner(layer);
      if ('refused' in evaluation) return { refused: `its ${layer.class_name}: ${evaluation.refused}` };
      evaluated.push({ class_name: evaluation.className, config: exportConfig(evaluation.config ?? layer.config) });
    }
    return { className: 'TensorLensPipeline', config: { ...config, layers: evaluated } };
  },
  hoverKeys: [],
};

// ---- Normalization ------------------------------------------------------------------------------------------------

/** `np.shape` of a nested list; undefined for a ragged one. */
function arrayShape(value: JsonValue | undefined): number[] | undefined {
  if (!Array.isArray(value)) return typeof value === 'number' ? [] : undefined;
  const inner = value.map(arrayShape);
  const first = inner[0];
  if (value.length === 0) return [0];
  if (!first || !inner.every((s) => s !== undefined && s.length === first.length && s.every((d, i) => d === first[i]))) return undefined;
  return [value.length, ...first];
}

/** Normalization stores `axis` as a tuple: None is (), an int is (axis,). */
function normalizationAxes(config: LayerConfig): number[] {
  const axis = config['axis'];
  if (axis === null || axis === undefined) return [];
  return Array.isArray(axis) ? (axis as number[]) : [axis as number];
}

const tupleOf = (values: readonly number[]): string => formatShape(values);

const normalization: LayerRule = {
  normalize(config) {
    const axes = normalizationAxes(config);
    const mean = config['mean'] ?? null;
    const variance = config['variance'] ?? null;
    if ((mean === null) !== (variance === null)) {
      throw new LayerError(
        `When setting values directly, both \`mean\` and \`variance\` must be set. Received: mean=${pyValue(mean)} and variance=${pyValue(variance)}`,
      );
    }
    if (mean !== null) {
      const meanShape = arrayShape(mean);
      const varianceShape = arrayShape(variance);
      if (meanShape && varianceShape && tupleOf(meanShape) !== tupleOf(varianceShape)) {
        throw new LayerError(
          `When setting values directly, \`mean\` and \`variance\` must have the same shape. Received: mean shape ${tupleOf(meanShape)} and variance shape ${tupleOf(varianceShape)}`,
        );
      }
      if (meanShape && meanShape.length > axes.length) {
        throw new LayerError(
          `The rank of \`mean\` must be less than or equal to the number of axes (${axes.length}). Received: mean shape ${tupleOf(meanShape)} for axis ${tupleOf(axes)}`,
        );
      }
    }
    return { ...config, axis: axes };
  },
  compute(config, [input]) {
    const axes = normalizationAxes(config);
    const ndim = input!.length;
    if (axes.some((a) => a < -ndim || a >= ndim)) {
      throw new LayerError(
        `All \`axis\` values must be in the range [-ndim, ndim). Received inputs with ndim=${ndim}, while axis=${tupleOf(axes)}`,
      );
    }
    const keep = [...new Set(axes.map((a) => (a < 0 ? a + ndim : a)))].sort((a, b) => a - b);
    for (const d of keep) {
      if (input![d] === null) {
        throw new LayerError(
          `All \`axis\` values to be kept must have a known shape. Received axis=${tupleOf(axes)}, inputs.shape=${formatShape(input!)}, with unknown axis at index ${d}`,
        );
      }
    }
    const mean = config['mean'] ?? null;
    if (mean !== null) {
      checkMeanBroadcast(arrayShape(mean), keep, input!);
      return { outputs: [input!], params: 0, dtype: computeDtype(config) };
    }
    const sizes = keep.map((d) => input![d]!);
    const size = sizes.every(isKnown) ? sizes.reduce((a, b) => a * b, 1) : null;
    // Weights mean, variance (the kept axes' shape) and count (a scalar), all non-trainable.
    const params = size === null ? null : 2 * size + 1;
    return { outputs: [input!], params, nonTrainableParams: params, dtype: computeDtype(config) };
  },
  hoverKeys: ['axis', 'invert'],
};

/** `str()` of a mean or variance as given: a number, or a list. */
function pyValue(value: JsonValue): string {
  return Array.isArray(value) ? pyList(value) : pyStr(value);
}

/** Normalization.build broadcasts a given mean to the kept axes' sizes (ones elsewhere); JAX's message when it cannot. */
function checkMeanBroadcast(meanShape: number[] | undefined, keep: readonly number[], input: Shape): void {
  if (!meanShape || meanShape.length === 0) return;
  const expanded: number[] = input.map(() => 1);
  for (let i = 1; i <= meanShape.length; i++) expanded[keep[keep.length - i]!] = meanShape[meanShape.length - i]!;
  const target = input.map((d, i) => (keep.includes(i) ? d : 1));
  const fits = expanded.every((d, i) => d === 1 || !isKnown(target[i]!) || d === target[i]);
  if (!fits) {
    const spell = (shape: readonly Dim[]): string => `float32[${shape.map((d) => (isKnown(d) ? d : '?')).join(',')}]`;
    throw new LayerError(`Incompatible types for broadcasting: input type=${spell(expanded)} and requested type=${spell(target)}`);
  }
}

// ---- Encodings ----------------------------------------------------------------------------------------------------

const categoryEncoding: LayerRule = {
  idBound: 'num_tokens',
  normalize(config) {
    const mode = config['output_mode'] === 'binary' ? 'multi_hot' : config['output_mode'];
    if (typeof mode !== 'string' || !['count', 'one_hot', 'multi_hot'].includes(mode)) {
      throw new LayerError(`Unknown arg for output_mode: ${pyStr(mode)}`);
    }
    const tokens = config['num_tokens'];
    if (tokens === null || tokens === undefined) {
      throw new LayerError(
        'num_tokens must be set to use this layer. If the number of tokens is not known beforehand, use the IntegerLookup layer instead.',
      );
    }
    if (isNumber(tokens) && tokens < 1) throw new LayerError(`\`num_tokens\` must be >= 1. Received: num_tokens=${tokens}.`);
    return { ...config, output_mode: mode };
  },
  compute(config, [input]) {
    const depth = sizeArgument(config, 'num_tokens');
    const mode = config['output_mode'];
    const shape = input!;
    let out: Dim[];
    if (shape.length === 0) out = [depth];
    else if (mode === 'one_hot') out = shape.at(-1) !== 1 || shape.length === 1 ? [...shape, depth] : [...shape.slice(0, -1), depth];
    else out = [...shape.slice(0, -1), depth];
    return { outputs: [out], params: 0, dtype: computeDtype(config) };
  },
  evaluation: () => ({ className: 'TensorLensCategoryEncoding' }),
  hoverKeys: ['num_tokens', 'output_mode'],
};

/** `output_mode` one_hot, multi_hot or count of Discretization: the encoded depth, Keras's shape rules. */
function discretizationShape(mode: string, input: Shape, depth: Dim): Dim[] {
  if (mode === 'one_hot') {
    return input.length > 1 && input.at(-1) === 1 ? [...input.slice(0, -1), depth] : [...input, depth];
  }
  if (input.length >= 2) return [input[0]!, ...input.slice(2), depth];
  return [depth];
}

const discretization: LayerRule = {
  normalize(config) {
    const mode = config['output_mode'];
    if (config['sparse'] === true && mode === 'int') {
      throw new LayerError(
        `\`sparse=True\` may only be used if \`output_mode\` is \`'one_hot'\`, \`'multi_hot'\`, or \`'count'\`. Received: sparse=True and output_mode=${pyStr(mode)}`,
      );
    }
    validateString(config, 'output_mode', ['int', 'one_hot', 'multi_hot', 'count'], 'Discretization');
    const bins = config['num_bins'] ?? null;
    const boundaries = config['bin_boundaries'] ?? null;
    if (isNumber(bins) && bins < 0) {
      throw new LayerError(`\`num_bins\` must be greater than or equal to 0. Received: \`num_bins=${bins}\``);
    }
    if (bins !== null && boundaries !== null) {
      throw new LayerError(
        `Both \`num_bins\` and \`bin_boundaries\` should not be set. Received: \`num_bins=${pyStr(bins)}\` and \`bin_boundaries=${pyValue(boundaries)}\``,
      );
    }
    if (bins === null && boundaries === null) throw new LayerError('You need to set either `num_bins` or `bin_boundaries`.');
    return config;
  },
  compute(config, [input]) {
    const mode = config['output_mode'] as string;
    if (mode === 'int') return { outputs: [input!], params: 0, dtype: 'int32' };
    const boundaries = config['bin_boundaries'];
    let depth: Dim;
    if (Array.isArray(boundaries)) depth = boundaries.length + 1;
    else if (config['num_bins'] !== null && config['num_bins'] !== undefined) depth = sizeArgument(config, 'num_bins');
    else throw new LayerError('You need to set either `num_bins` or `bin_boundaries`.');
    return { outputs: [discretizationShape(mode, input!, depth)], params: 0, dtype: computeDtype(config) };
  },
  evaluation: (config) =>
    Array.isArray(config['bin_boundaries'])
      ? { className: 'Discretization' }
      : { refused: 'its bin boundaries come from adapt() on data, which Tensor Lens does not run' },
  hoverKeys: ['bin_boundaries', 'num_bins', 'output_mode'],
};

const hashing: LayerRule = {
  normalize(config) {
    const mode = config['output_mode'];
    const dtype = config['dtype'] ?? (mode === 'int' ? 'int64' : 'float32');
    const bins = config['num_bins'];
    if (bins === null || bins === undefined || (isNumber(bins) && bins <= 0)) {
      throw new LayerError(
        `The \`num_bins\` for \`Hashing\` cannot be \`None\` or non-positive values. Received: num_bins=${pyStr(bins)}.`,
      );
    }
    if (mode === 'int' && dtype !== 'int32' && dtype !== 'int64') {
      throw new LayerError(
        `When \`output_mode="int"\`, \`dtype\` should be an integer type, 'int32' or 'in64'. Received: dtype=${pyStr(config['dtype'] ?? null)}`,
      );
    }
    const modes = ['int', 'one_hot', 'multi_hot', 'count'];
    if (typeof mode !== 'string' || !modes.includes(mode)) {
      throw new LayerError(
        `Invalid value for argument \`output_mode\`. Expected one of ${pyTuple(modes)}. Received: output_mode=${pyStr(mode)}`,
      );
    }
    if (config['sparse'] === true && mode === 'int') {
      throw new LayerError(
        `\`sparse\` may only be true if \`output_mode\` is \`"one_hot"\`, \`"multi_hot"\`, or \`"count"\`. Received: sparse=True and output_mode=${mode}`,
      );
    }
    const salt = config['salt'] ?? null;
    if (salt !== null && !(isPair(salt) && salt.length === 2) && !(isNumber(salt) && Number.isInteger(salt))) {
      throw new LayerError(
        `The \`salt\` argument for \`Hashing\` can only be a tuple of size 2 integers, or a single integer. Received: salt=${isPair(salt) ? pyList(salt) : pyStr(salt)}.`,
      );
    }
    return { ...config, dtype, ...(isNumber(salt) ? { salt: [salt, salt] } : {}) };
  },
  compute(config, [input]) {
    const mode = config['output_mode'];
    // Hashing outputs its variable dtype: a mixed policy's is float32.
    const policy = typeof config['dtype'] === 'string' ? config['dtype'] : mode === 'int' ? 'int64' : 'float32';
    const dtype = policy.startsWith('mixed_') ? 'float32' : policy;
    if (mode === 'int') return { outputs: [input!], params: 0, dtype };
    const base = input!.length >= 1 ? input!.slice(0, -1) : [];
    return { outputs: [[...base, sizeArgument(config, 'num_bins')]], params: 0, dtype };
  },
  // Numbers only: a string input is not fed to TensorFlow.js.
  evaluation: () => ({ className: 'Hashing' }),
  hoverKeys: ['num_bins', 'output_mode', 'salt'],
};

const hashedCrossing: LayerRule = {
  normalize(config) {
    validateString(config, 'output_mode', ['int', 'one_hot'], 'HashedCrossing');
    return config;
  },
  compute(config, inputs) {
    const received = inputs.length === 1 ? formatShape(inputs[0]!) : `[${inputs.map(formatShape).join(', ')}]`;
    if (inputs.length !== 2) throw new LayerError(`Expected as input a list/tuple of 2 tensors. Received input_shape=${received}`);
    const [first, second] = inputs as [Shape, Shape];
    const [a, b] = [first.at(-1) ?? null, second.at(-1) ?? null];
    // A named size may be any number: only None and known sizes are compared.
    const comparable = !isSymbolic(a) && !isSymbolic(b);
    if (comparable && a !== b)
      throw new LayerError(`Expected the two input tensors to have identical shapes. Received input_shape=${received}`);
    const mode = config['output_mode'];
    const dtype = computeDtype(config, mode === 'int' ? 'int64' : 'float32');
    if (mode === 'int') return { outputs: [first], params: 0, dtype };
    const bins = sizeArgument(config, 'num_bins');
    if (first.at(-1) !== 1) return { outputs: [[...first, bins]], params: 0, dtype };
    return { outputs: [[...first.slice(0, -1), bins]], params: 0, dtype };
  },
  // Integers only: a string input is not fed to TensorFlow.js.
  evaluation: () => ({ className: 'HashedCrossing' }),
  hoverKeys: ['num_bins', 'output_mode'],
};

// ---- Lookups ------------------------------------------------------------------------------------------------------

interface LookupKind {
  /** The class Keras names in its messages. */
  readonly className: string;
  /** How NumPy prints one repeated token in Keras's message (`np.str_('a')`, `np.int64(3)`). */
  readonly numpyRepr: (token: JsonValue) => string;
  /** The tokens are integers: a salt then needs `oov_method='farmhash'`. */
  readonly integerTokens: boolean;
  /** The subclass's own checks, before IndexLookup's. */
  readonly ownChecks?: (config: LayerConfig) => void;
}

const stringTokens: LookupKind = { className: 'StringLookup', numpyRepr: (t) => `np.str_(${pythonRepr(t)})`, integerTokens: false };

/** IntegerLookup's constructor checks its arguments in its own words first. */
function integerLookupChecks(config: LayerConfig): void {
  const maxTokens = config['max_tokens'] ?? null;
  const oovIndices = config['num_oov_indices'];
  if (isNumber(maxTokens) && maxTokens <= 1) {
    throw new LayerError(`If \`max_tokens\` is set for \`IntegerLookup\`, it must be greater than 1. Received: max_tokens=${maxTokens}`);
  }
  if (isNumber(oovIndices) && oovIndices < 0) {
    throw new LayerError(
      `The value of \`num_oov_indices\` argument for \`IntegerLookup\` must >= 0. Received: num_oov_indices=${oovIndices}`,
    );
  }
  if (config['vocabulary_dtype'] !== 'int64') {
    throw new LayerError(
      `Only \`vocabulary_dtype='int64'\` is supported at this time. Received: vocabulary_dtype=${pyStr(config['vocabulary_dtype'])}`,
    );
  }
}

const integerTokens: LookupKind = {
  className: 'IntegerLookup',
  numpyRepr: (t) => `np.int64(${pyStr(t)})`,
  integerTokens: true,
  ownChecks: integerLookupChecks,
};

function lookupOutputMode(config: LayerConfig): JsonValue | undefined {
  const mode = config['output_mode'];
  return mode === 'binary' ? 'multi_hot' : mode === 'tf-idf' ? 'tf_idf' : mode;
}

/** Index 0 is the mask token in int mode; then the OOV indices; then the vocabulary. */
function tokenStart(config: LayerConfig): number {
  const mask = config['mask_token'] !== null && config['mask_token'] !== undefined && lookupOutputMode(config) === 'int' ? 1 : 0;
  const oov = config['num_oov_indices'];
  return mask + (isNumber(oov) ? oov : 1);
}

/** The constructor's checks of IndexLookup, and `set_vocabulary` for a list given as `vocabulary`. */
function checkLookup(config: LayerConfig, kind: LookupKind): void {
  const maxTokens = config['max_tokens'] ?? null;
  const oovIndices = config['num_oov_indices'];
  const mode = lookupOutputMode(config);
  kind.ownChecks?.(config);
  if (isNumber(maxTokens) && maxTokens <= 1)
    throw new LayerError(`If set, \`max_tokens\` must be greater than 1. Received: max_tokens=${maxTokens}`);
  if (config['pad_to_max_tokens'] === true && maxTokens === null) {
    throw new LayerError('If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None');
  }
  if (isNumber(oovIndices) && oovIndices < 0) {
    throw new LayerError(`\`num_oov_indices\` must be greater than or equal to 0. Received: num_oov_indices=${oovIndices}`);
  }
  validateString({ oov_method: config['oov_method'] ?? 'floormod' }, 'oov_method', ['floormod', 'farmhash'], kind.className);
  const salt = config['salt'] ?? null;
  if (salt !== null) {
    if (kind.integerTokens && config['oov_method'] !== 'farmhash') {
      throw new LayerError(`\`salt\` can only be used when \`oov_method='farmhash'\`. Received: oov_method=${pyStr(config['oov_method'])}`);
    }
    if (!(isPair(salt) && salt.length === 2) && !(isNumber(salt) && Number.isInteger(salt))) {
      throw new LayerError(
        `The \`salt\` argument for \`IndexLookup\` can only be a tuple of 2 integers, or a single integer. Received: salt=${pyStr(salt)}.`,
      );
    }
  }
  validateString({ output_mode: mode ?? null }, 'output_mode', ['int', 'one_hot', 'multi_hot', 'count', 'tf_idf'], kind.className);
  if (config['invert'] === true && mode !== 'int') {
    throw new LayerError(`\`output_mode\` must be \`'int'\` when \`invert\` is true. Received: output_mode=${pyStr(mode)}`);
  }
  if (config['sparse'] === true && mode === 'int') {
    throw new LayerError(
      `\`sparse\` may only be true if \`output_mode\` is \`'one_hot'\`, \`'multi_hot'\`, \`'count'\` or \`'tf_idf'\`. Received: sparse=True and output_mode=${mode}`,
    );
  }
  const idf = config['idf_weights'] ?? null;
  if (idf !== null && mode !== 'tf_idf') {
    throw new LayerError(
      `\`idf_weights\` should only be set if \`output_mode\` is \`'tf_idf'\`. Received: idf_weights=${pyValue(idf)} and output_mode=${pyStr(mode)}`,
    );
  }
  const vocabulary = config['vocabulary'] ?? null;
  if (mode === 'tf_idf' && vocabulary !== null && idf === null) {
    throw new LayerError(
      'When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument must also be provided.',
    );
  }
  if (Array.isArray(vocabulary)) checkVocabulary(config, vocabulary, kind);
}

const sameToken = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => a === b;

function checkVocabulary(config: LayerConfig, vocabulary: readonly JsonValue[], kind: LookupKind): void {
  if (vocabulary.length === 0) throw new LayerError('Cannot set an empty vocabulary. Received: vocabulary=[]');
  const tokens = vocabularyTokens(config, vocabulary);
  const counts = new Map<JsonValue, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([token]) => kind.numpyRepr(token));
  if (repeated.length > 0) {
    throw new LayerError(
      `The passed vocabulary has at least one repeated term. Please uniquify your dataset. The repeated terms are: [${repeated.join(', ')}]`,
    );
  }
  const mask = config['mask_token'] ?? null;
  const oov = config['oov_token'] ?? null;
  const start = tokenStart(config);
  const specialText = pyList(specialTokens(config));
  if (mask !== null && tokens.some((t) => sameToken(t, mask))) {
    const index = vocabulary
      .map((t, i) => (sameToken(t, mask) ? i : -1))
      .filter((i) => i >= 0)
      .at(-1)!;
    throw new LayerError(
      `Found reserved mask token at unexpected location in \`vocabulary\`. Note that passed \`vocabulary\` does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: ${specialText}. Received: mask_token=${pyStr(mask)} at vocabulary index [${index}]`,
    );
  }
  if (oov !== null && config['invert'] === true && tokens.some((t) => sameToken(t, oov))) {
    const index = vocabulary
      .map((t, i) => (sameToken(t, oov) ? i : -1))
      .filter((i) => i >= 0)
      .at(-1)!;
    throw new LayerError(
      `Found reserved OOV token at unexpected location in \`vocabulary\`. Note that passed \`vocabulary\` does not need to include the OOV and mask tokens. Either remove all mask and OOV tokens, or include them only at the start of the vocabulary in precisely this order: ${specialText}. Received: oov_token=${pyStr(oov)} at vocabulary index [${index}]`,
    );
  }
  const size = start + tokens.length;
  const maxTokens = config['max_tokens'];
  if (isNumber(maxTokens) && size > maxTokens) {
    throw new LayerError(
      `Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size is ${size}; \`max_tokens\` is ${maxTokens}.`,
    );
  }
  const idf = config['idf_weights'];
  if (lookupOutputMode(config) === 'tf_idf' && Array.isArray(idf) && idf.length !== vocabulary.length) {
    throw new LayerError(
      `\`idf_weights\` must be the same length as vocabulary. len(idf_weights) is ${idf.length}; len(vocabulary) is ${vocabulary.length}`,
    );
  }
}

/** The vocabulary without the mask and OOV tokens, when it starts with them in Keras's order. */
function vocabularyTokens(config: LayerConfig, vocabulary: readonly JsonValue[]): JsonValue[] {
  const special = specialTokens(config);
  const found = vocabulary.length >= special.length && special.every((t, i) => sameToken(t, vocabulary[i]));
  return found ? vocabulary.slice(special.length) : [...vocabulary];
}

/** The tokens at the start of the index space: the mask token (int mode), then one OOV token per OOV index. */
function specialTokens(config: LayerConfig): JsonValue[] {
  const start = tokenStart(config);
  const oovCount = isNumber(config['num_oov_indices']) ? config['num_oov_indices'] : 1;
  return [
    ...Array<JsonValue>(start - oovCount).fill(config['mask_token'] ?? null),
    ...Array<JsonValue>(oovCount).fill(config['oov_token'] ?? null),
  ];
}

/** The size of the index space: a vocabulary given as a list fixes it; adapt() or a vocabulary file leave it to the data. */
function vocabularySize(config: LayerConfig, vocabulary: JsonValue | undefined): Dim {
  if (Array.isArray(vocabulary)) return tokenStart(config) + vocabularyTokens(config, vocabulary).length;
  return symbolic(`${typeof config['name'] === 'string' ? config['name'] : 'lookup'}.vocabulary_size()`);
}

/** IndexLookup.compute_output_shape for the encoded modes: the depth on a last axis. */
function encodedShape(mode: JsonValue | undefined, input: readonly Dim[], depth: Dim): Dim[] {
  if (mode === 'one_hot') return input.length > 1 && input.at(-1) === 1 ? [...input.slice(0, -1), depth] : [...input, depth];
  return [...input.slice(0, -1), depth];
}

function lookupDepth(config: LayerConfig, vocabulary: JsonValue | undefined): Dim {
  return config['pad_to_max_tokens'] === true ? sizeArgument(config, 'max_tokens') : vocabularySize(config, vocabulary);
}

function lookup(kind: LookupKind, evaluation: (config: LayerConfig) => LayerEvaluation | undefined): LayerRule {
  return {
    normalize(config) {
      checkLookup(config, kind);
      return { ...config, output_mode: lookupOutputMode(config) ?? null };
    },
    compute(config, [input]) {
      const mode = lookupOutputMode(config);
      if (mode === 'int') return { outputs: [input!], params: 0, dtype: 'int64' };
      return { outputs: [encodedShape(mode, input!, lookupDepth(config, config['vocabulary']))], params: 0, dtype: 'float32' };
    },
    evaluation,
    hoverKeys: ['max_tokens', 'num_oov_indices', 'mask_token', 'oov_token', 'output_mode', 'invert'],
  };
}

const stringLookup = lookup(stringTokens, () => ({
  refused: 'StringLookup maps strings, which TensorFlow.js layers models cannot carry',
}));

const integerLookup = lookup(integerTokens, (config) => {
  if (!Array.isArray(config['vocabulary'])) {
    return { refused: 'its vocabulary comes from adapt() on data or a vocabulary file, which Tensor Lens does not read' };
  }
  return { className: 'IntegerLookup' };
});

// ---- TextVectorization --------------------------------------------------------------------------------------------

const textVectorization: LayerRule = {
  normalize(config) {
    validateString(config, 'standardize', ['lower_and_strip_punctuation', 'lower', 'strip_punctuation'], 'TextVectorization', true);
    validateString(config, 'split', ['whitespace', 'character'], 'TextVectorization', true);
    const mode = lookupOutputMode(config);
    validateString({ output_mode: mode ?? null }, 'output_mode', ['int', 'one_hot', 'multi_hot', 'count', 'tf_idf'], 'TextVectorization');
    const ngrams = config['ngrams'] ?? null;
    if (!(
      ngrams === null ||
      (isNumber(ngrams) && Number.isInteger(ngrams)) ||
      (isPair(ngrams) && ngrams.every((n) => isNumber(n) && Number.isInteger(n)))
    )) {
      throw new LayerError(`\`ngrams\` must be None, an integer, or a tuple of integers. Received: ngrams=${pyStr(ngrams)}`);
    }
    const length = config['output_sequence_length'] ?? null;
    if (mode === 'int' && !(length === null || typeof length === 'string' || (isNumber(length) && Number.isInteger(length)))) {
      throw new LayerError(
        `\`output_sequence_length\` must be either None or an integer when \`output_mode\` is 'int'. Received: output_sequence_length=${pyStr(length)}`,
      );
    }
    if (mode !== 'int' && length !== null) {
      throw new LayerError(
        `\`output_sequence_length\` must not be set if \`output_mode\` is not 'int'. Received output_sequence_length=${pyStr(length)}.`,
      );
    }
    if (config['ragged'] === true && mode !== 'int') {
      throw new LayerError(
        `\`ragged\` must not be true if \`output_mode\` is \`'int'\`. Received: ragged=True and output_mode=${pyStr(mode)}`,
      );
    }
    // The StringLookup it makes: mask token '', one OOV index '[UNK]'.
    checkLookup(
      {
        max_tokens: config['max_tokens'] ?? null,
        num_oov_indices: 1,
        mask_token: '',
        oov_token: '[UNK]',
        vocabulary: config['vocabulary'] ?? null,
        idf_weights: config['idf_weights'] ?? null,
        invert: false,
        output_mode: mode ?? null,
        sparse: config['sparse'] ?? false,
        pad_to_max_tokens: config['pad_to_max_tokens'] ?? false,
      },
      stringTokens,
    );
    return { ...config, output_mode: mode ?? null };
  },
  compute(config, [input]) {
    const mode = lookupOutputMode(config);
    const length = config['output_sequence_length'] ?? null;
    if (mode === 'int')
      return {
        outputs: [[input![0] ?? null, length === null ? null : sizeArgument(config, 'output_sequence_length')]],
        params: 0,
        dtype: 'int64',
      };
    const lookupConfig: LayerConfig = { ...config, mask_token: '', num_oov_indices: 1, oov_token: '[UNK]' };
    const split = config['split'] !== null && config['split'] !== undefined;
    const tokens: Dim[] = split ? [...input!, null] : input!.length <= 1 ? [...input!, 1] : [...input!];
    return { outputs: [encodedShape(mode, tokens, lookupDepth(lookupConfig, config['vocabulary']))], params: 0, dtype: 'float32' };
  },
  evaluation: () => ({ refused: 'TextVectorization splits strings, which TensorFlow.js layers models cannot carry' }),
  hoverKeys: ['max_tokens', 'output_mode', 'output_sequence_length', 'split', 'ngrams'],
};

// ---- The table ----------------------------------------------------------------------------------------------------

/** The affine-transform layers check `fill_mode` and then `interpolation`. */
const affine = [checkFillMode, checkInterpolation];

const rules: Record<string, LayerRule> = {
  // Identity at inference.
  RandomFlip: image([], { hoverKeys: ['mode', 'data_format'] }),
  RandomRotation: image([(c) => checkBaseFactor(c, [-1, 1]), ...affine], { hoverKeys: ['factor', 'fill_mode', 'interpolation'] }),
  RandomZoom: image(
    [
      (c) => checkNamedFactor(c, 'height_factor', zoomFactorError, (n) => n <= 1 && n > -1),
      (c) => given(c, 'width_factor') && checkNamedFactor(c, 'width_factor', zoomFactorError, (n) => n <= 1 && n > -1),
      ...affine,
    ],
    { hoverKeys: ['height_factor', 'width_factor', 'fill_mode', 'interpolation'] },
  ),
  RandomTranslation: image(
    [
      (c) => checkNamedFactor(c, 'height_factor', translationFactorError, (n) => n <= 1 && n >= -1),
      (c) => checkNamedFactor(c, 'width_factor', translationFactorError, (n) => n <= 1 && n >= -1),
      ...affine,
    ],
    { hoverKeys: ['height_factor', 'width_factor', 'fill_mode', 'interpolation'] },
  ),
  RandomContrast: image([(c) => checkFactor(c, 'factor', [0, 1])]),
  RandomBrightness: image([(c) => checkBaseFactor(c, [-1, 1]), checkValueRange]),
  RandomShear: image([checkShear, ...affine], { hoverKeys: ['x_factor', 'y_factor', 'fill_mode', 'interpolation'] }),
  RandomPerspective: image([
    (c) => checkFactor(c, 'factor', [0, 1]),
    (c) => {
      const scale = c['scale'];
      if (isNumber(scale) && (scale < 0 || scale > 1)) {
        throw new LayerError(`The \`scale\` argument should be a number in the range [0,1]. Received: scale=${pyStr(scale)}`);
      }
    },
    checkInterpolation,
  ]),
  RandomElasticTransform: image([
    (c) => checkFactor(c, 'factor', [0, 1]),
    (c) => checkFactor(c, 'scale', [0, 1], 'scale'),
    checkInterpolation,
    // A Python set, printed in hash order: the order under PYTHONHASHSEED=0, as the conformance references run.
    (c) =>
      checkChoice(c, 'fill_mode', "{'reflect', 'wrap', 'constant', 'mirror', 'nearest'}", [
        'constant',
        'nearest',
        'wrap',
        'mirror',
        'reflect',
      ]),
  ]),
  RandomErasing: image([(c) => checkFactor(c, 'factor', [0, 1]), (c) => checkFactor(c, 'scale', [0, 1], 'scale')]),
  RandomGaussianBlur: image([(c) => checkFactor(c, 'factor', [0, 1]), checkKernelSize, (c) => checkFactor(c, 'sigma', [0, 1], 'sigma')]),
  RandomGrayscale: image([
    (c) => {
      const factor = c['factor'];
      if (isNumber(factor) && (factor < 0 || factor > 1))
        throw new LayerError(`\`factor\` should be between 0 and 1. Received: factor=${factor}`);
    },
  ]),
  RandomHue: image([(c) => checkFactor(c, 'factor', [0, 1])]),
  RandomSaturation: image([(c) => checkFactor(c, 'factor', [-1, 1]), checkValueRange]),
  RandomSharpness: image([(c) => checkFactor(c, 'factor', [0, 1]), checkValueRange]),
  RandomInvert: image([(c) => checkFactor(c, 'factor', [0, 1])]),
  RandomPosterization: image([(c) => checkFactor(c, 'factor', [1, 8]), checkValueRange]),
  RandomColorDegeneration: randomColorDegeneration,
  RandomColorJitter: image(
    [
      // The sub-layers it makes for the factors given: RandomBrightness, RandomContrast, RandomSaturation, RandomHue.
      (c) => given(c, 'brightness_factor') && (checkBaseFactor({ factor: c['brightness_factor']! }, [-1, 1]), checkValueRange(c)),
      (c) => given(c, 'contrast_factor') && checkFactor(c, 'contrast_factor', [0, 1]),
      (c) => given(c, 'saturation_factor') && (checkFactor(c, 'saturation_factor', [-1, 1]), checkValueRange(c)),
      (c) => given(c, 'hue_factor') && checkFactor(c, 'hue_factor', [0, 1]),
    ],
    { hoverKeys: ['brightness_factor', 'contrast_factor', 'saturation_factor', 'hue_factor', 'value_range'] },
  ),
  Solarization: image(
    [
      (c) => checkNamedFactor(c, 'addition_factor', solarizationFactorError, (n) => n >= 0 && n <= 1),
      (c) => checkNamedFactor(c, 'threshold_factor', solarizationFactorError, (n) => n >= 0 && n <= 1),
      checkValueRange,
    ],
    { hoverKeys: ['addition_factor', 'threshold_factor', 'value_range'] },
  ),
  MixUp: image([], { hoverKeys: ['alpha'] }),
  CutMix: image([(c) => checkFactor(c, 'factor', [0, 1])]),
  AugMix: image([checkAugmentationMix], { hoverKeys: ['value_range', 'num_chains', 'chain_depth', 'factor'] }),
  RandAugment: image([checkAugmentationMix], { hoverKeys: ['value_range', 'num_ops', 'factor'] }),
  MaxNumBoundingBoxes: image([], { hoverKeys: ['max_number'], training: false }),
  Equalization: image(
    [
      (c) => {
        const range = c['value_range'];
        if (!isPair(range) || range.length !== 2)
          throw new LayerError("'Equalization' object has no attribute '_VALUE_RANGE_VALIDATION_ERROR'");
      },
    ],
    { hoverKeys: ['value_range', 'bins'], training: 'it equalizes the histogram of its input' },
  ),
  RandomCrop: randomCrop,
  Resizing: resizing,
  Pipeline: pipeline,
  // Applied at inference too.
  AutoContrast: image([checkValueRange], { hoverKeys: ['value_range'], training: false }),
  CenterCrop: centerCrop,
  ContrastLimitedAdaptiveHistogramEqualization: image([], {
    hoverKeys: ['value_range', 'clip_limit', 'tile_grid_size'],
    training: false,
  }),
  // Features.
  Normalization: normalization,
  CategoryEncoding: categoryEncoding,
  Discretization: discretization,
  Hashing: hashing,
  HashedCrossing: hashedCrossing,
  StringLookup: stringLookup,
  IntegerLookup: integerLookup,
  TextVectorization: textVectorization,
};

/**
 * Classes whose constructor names `name` (the lookups, Discretization, RandomCrop, Pipeline, …) get `name: None` from
 * their signature when it is not given; Keras then names the layer itself, so the None is dropped and the layer's
 * name stands in the config (the vocabulary-size dimension is named after it).
 */
function keepingLayerName(rule: LayerRule): LayerRule {
  return {
    ...rule,
    normalize(config) {
      const normalized = rule.normalize ? rule.normalize(config) : config;
      if (normalized['name'] !== null) return normalized;
      return Object.fromEntries(Object.entries(normalized).filter(([key]) => key !== 'name'));
    },
  };
}

export const preprocessingRules: Record<string, LayerRule> = Object.fromEntries(
  Object.entries(rules).map(([className, rule]) => [className, keepingLayerName(withFactorThroughKwargs(className, rule))]),
);
