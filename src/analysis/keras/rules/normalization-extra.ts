// More normalization and masking: UnitNormalization, RMSNormalization, GroupNormalization, SpectralNormalization,
// Masking, ReversibleEmbedding. The Keras sources are keras/src/layers/normalization/*.py,
// keras/src/layers/core/masking.py and keras/src/layers/core/reversible_embedding.py.

import type { JsonValue } from '../../../graph/ir.js';
import { formatDim, formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import signatures from '../signatures.json' with { type: 'json' };
import { LayerError, nonTrainableOf, restoredOf, type LayerConfig, type LayerOutput, type LayerRule, type RuleContext } from '../rule.js';
import { withLora } from './lora.js';
import { channelsLast, checkWeightShape, int, pythonRepr, sizeArgument } from './util.js';

/** Python's `str()` of a config value (f-string interpolation): strings bare, lists as lists. */
function pythonStr(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => pythonRepr(v)).join(', ')}]`;
  return pythonRepr(value);
}

/** Python's type name of a config value, for TypeError messages. */
function pythonType(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** An integer the way Python sees one (a bool is an int). */
function pythonInt(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** `input_shape[axis]` as Python indexes a tuple, with Python's errors. */
function pythonIndex(shape: Shape, axis: JsonValue | undefined): Dim {
  const index = pythonInt(axis);
  if (index === undefined) throw new LayerError(`tuple indices must be integers or slices, not ${pythonType(axis)}`);
  if (index >= shape.length || index < -shape.length) throw new LayerError('tuple index out of range');
  return shape.at(index)!;
}

/** The axis argument as a list (Keras's `axis if isinstance(axis, list) else [axis]`). */
function axisList(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [value ?? null];
}

function product(shape: Shape): number | null {
  let size = 1;
  for (const dim of shape) {
    if (!isKnown(dim)) return null;
    size *= dim;
  }
  return size;
}

/** Python truthiness of a config value. */
function truthy(value: JsonValue | undefined): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const unitNormalization: LayerRule = {
  hoverKeys: ['axis'],
  normalize(config) {
    const axis = config['axis'];
    if (!Array.isArray(axis) && pythonInt(axis) === undefined) {
      throw new LayerError(
        `Invalid value for \`axis\` argument: expected an int or a list/tuple of ints. Received: axis=${pythonStr(axis)}`,
      );
    }
    return config;
  },
  compute(config, [input]) {
    const rank = input!.length;
    for (const axis of axisList(config['axis'])) {
      // An axis that is not an int was refused when the layer was made (a list of them, here).
      if (typeof axis !== 'number' && typeof axis !== 'boolean') {
        if (!Array.isArray(config['axis'])) continue;
        throw new LayerError(`'>=' not supported between instances of '${pythonType(axis)}' and 'int'`);
      }
      const index = Number(axis);
      if (index >= rank || index < -rank) {
        throw new LayerError(`Axis ${pythonStr(config['axis'])} is out of bounds for input shape ${formatShape(input!)}.`);
      }
    }
    return { outputs: [input!], params: 0 };
  },
};

const rmsNormalization: LayerRule = {
  hoverKeys: ['axis', 'epsilon'],
  compute(config, [input]) {
    const axes = axisList(config['axis']);
    const sorted = Array.isArray(config['axis']) ? [...axes].sort((a, b) => Number(a) - Number(b)) : axes;
    const shape = sorted.map((axis) => pythonIndex(input!, axis));
    checkWeightShape(config, 'scale', shape);
    return { outputs: [input!], params: product(shape) };
  },
  // epsilon=None is Keras's backend epsilon, 1e-7.
  evaluation: (config) =>
    config['epsilon'] === null ? { className: 'RMSNormalization', config: { ...config, epsilon: 1e-7 } } : undefined,
};

const groupNormalization: LayerRule = {
  hoverKeys: ['groups', 'axis', 'epsilon'],
  normalize(config) {
    const groups = config['groups'];
    const count = typeof groups === 'number' ? groups : pythonInt(groups);
    if (count === undefined || !Number.isInteger(count) || (count <= 0 && count !== -1)) {
      throw new LayerError(
        `Received an invalid value for argument \`groups\`, expected a positive integer (or \`-1\` for instance normalization). Received: groups=${pythonStr(groups)}`,
      );
    }
    return config;
  },
  compute(config, [input]) {
    const axis = config['axis'];
    const dim = pythonIndex(input!, axis);
    if (dim === null) {
      throw new LayerError(
        `Axis ${pythonStr(axis)} of input tensor should have a defined dimension but the layer received an input with shape ${formatShape(input!)}.`,
      );
    }
    const perFeature = (truthy(config['scale']) ? 1 : 0) + (truthy(config['center']) ? 1 : 0);
    if (!isKnown(dim)) return { outputs: [input!], params: null };
    const requested = pythonInt(config['groups']);
    // Groups that are not a positive int (or -1) were refused when the layer was made.
    if (requested === undefined || (requested <= 0 && requested !== -1)) return { outputs: [input!], params: dim * perFeature };
    const groups = requested === -1 ? dim : requested;
    if (dim < groups) throw new LayerError(`Number of groups (${groups}) cannot be more than the number of channels (${dim}).`);
    if (dim % groups !== 0) throw new LayerError(`Number of groups (${groups}) must be a multiple of the number of channels (${dim}).`);
    return {
      outputs: [input!],
      params: dim * perFeature,
      built: { ndim: input!.length, axes: { [pythonInt(axis)!]: dim } },
    };
  },
  // Keras adds epsilon to the variance when it runs: None fails there.
  evaluation: (config) =>
    typeof config['epsilon'] === 'number'
      ? undefined
      : { refused: `GroupNormalization with epsilon=${pythonStr(config['epsilon'])} fails in Keras when run` },
};

// ---- SpectralNormalization ---------------------------------------------------------------------------------------

interface SerializedLayer {
  readonly class_name: string;
  readonly config: LayerConfig;
}

function serializedLayer(value: JsonValue | undefined): SerializedLayer | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const className = value['class_name'];
  const config = value['config'];
  if (typeof className !== 'string' || config === null || typeof config !== 'object' || Array.isArray(config)) return undefined;
  return { class_name: className, config: config as LayerConfig };
}

/** The size of the axis of `shape` that letter `axis` of an einsum operand stands for (`...` elides axes on its side). */
function einsumAxis(spec: string, axis: string, shape: Shape): Dim {
  const letters = spec.replace('...', '');
  const at = letters.indexOf(axis);
  if (at < 0) return null;
  const fromEnd = spec.startsWith('...');
  const dim = fromEnd ? shape[shape.length - (letters.length - at)] : shape[at];
  return dim ?? null;
}

/** EinsumDense's kernel: its last letter sized from the output when the output has it, else from the input. */
function einsumColumns(config: LayerConfig, input: Shape, output: Shape): Dim {
  const equation = config['equation'];
  const match = typeof equation === 'string' ? /^([a-zA-Z.]+),([a-zA-Z]+)->([a-zA-Z.]+)$/.exec(equation) : null;
  if (!match) return null;
  const [, inputSpec, kernelSpec, outputSpec] = match as unknown as [string, string, string, string];
  const last = kernelSpec.at(-1)!;
  return outputSpec.includes(last) ? einsumAxis(outputSpec, last, output) : einsumAxis(inputSpec, last, input);
}

/**
 * The classes of `keras.layers` with a `kernel` (or `embeddings`) attribute once built, each with the size of the
 * kernel's last axis: the length of SpectralNormalization's power-iteration vector `u`, of shape (1, that size).
 */
const kernelColumns: Readonly<Record<string, (config: LayerConfig, input: Shape, output: Shape) => Dim>> = {
  EinsumDense: einsumColumns,
  Dense: (config) => sizeArgument(config, 'units'),
  Conv1D: (config) => sizeArgument(config, 'filters'),
  Conv2D: (config) => sizeArgument(config, 'filters'),
  Conv3D: (config) => sizeArgument(config, 'filters'),
  // A transposed convolution's kernel is kernel_size + (filters, input channels).
  Conv1DTranspose: (config, input) => input[channelsLast(config) ? input.length - 1 : 1]!,
  Conv2DTranspose: (config, input) => input[channelsLast(config) ? input.length - 1 : 1]!,
  Conv3DTranspose: (config, input) => input[channelsLast(config) ? input.length - 1 : 1]!,
  // A depthwise kernel is kernel_size + (input channels, depth_multiplier).
  DepthwiseConv1D: (config) => int(config, 'depth_multiplier'),
  DepthwiseConv2D: (config) => int(config, 'depth_multiplier'),
  Embedding: (config) => int(config, 'output_dim'),
  ReversibleEmbedding: (config) => int(config, 'output_dim'),
  // Its `kernel` is the one of the layer it wraps.
  SpectralNormalization: (config, input, output) => {
    const inner = serializedLayer(config['layer']);
    const columns = inner && kernelColumns[inner.class_name];
    return columns ? columns(inner.config, input, output) : null;
  },
};

/** Classes with a kernel whose symbolic call fails in the wrapper's `compute_output_shape`. */
const cells = new Set(['SimpleRNNCell', 'LSTMCell', 'GRUCell']);

/** The classes of `keras.layers`: a wrapped class among them that `kernelColumns` lacks has neither attribute. */
const kerasClasses = new Set(Object.keys(signatures.classes));

/** Kernel-bearing classes also have a kernel when Keras's own layer is wrapped: these are run as it. */
const evaluable = new Set(Object.keys(kernelColumns));

function wrapperError(layer: JsonValue | undefined): LayerError {
  return new LayerError(
    `Layer ${pythonStr(layer)} supplied to Wrapper isn't a supported layer type. Please ensure wrapped layer is a valid Keras layer.`,
  );
}

const spectralNormalization: LayerRule = {
  // Its weights are but `u` in the layer it wraps, which does not take its `trainable` (measured: a model holding it frozen counts them trainable).
  sublayersKeepTrainable: true,
  hoverKeys: ['power_iterations'],
  normalize(config) {
    if (!serializedLayer(config['layer'])) throw wrapperError(config['layer']);
    const iterations = config['power_iterations'];
    if (typeof iterations === 'number' && iterations <= 0) {
      throw new LayerError(`\`power_iterations\` should be greater than zero. Received: \`power_iterations=${pythonStr(iterations)}\``);
    }
    return config;
  },
  compute(config, [input], context: RuleContext): LayerOutput {
    const layer = serializedLayer(config['layer']);
    if (!layer) throw wrapperError(config['layer']);
    const className = layer.class_name;
    if (cells.has(className)) {
      throw new LayerError(
        `Layer ${className} does not have a \`compute_output_shape\` method implemented. Should implement \`def compute_output_shape(self, input_shape)\`.`,
      );
    }
    const columns = kernelColumns[className];
    if (!columns && kerasClasses.has(className)) {
      throw new LayerError(`${className} object has no attribute 'kernel' nor 'embeddings'`);
    }
    const inner = context.inner(layer, [input!]);
    const size = columns && inner.outputs.length === 1 ? columns(layer.config, input!, inner.outputs[0]!) : null;
    const last = input!.at(-1)!;
    return {
      outputs: inner.outputs,
      ...(inner.outputIsList ? { outputIsList: true } : {}),
      params: inner.params !== null && isKnown(size) ? inner.params + size : null,
      // Its power-iteration vector `u` is non-trainable.
      nonTrainableParams: nonTrainableOf(inner) !== null && isKnown(size) ? nonTrainableOf(inner)! + size : null,
      restoredBySetter: restoredOf(inner),
      ...(isKnown(last) ? { built: { minNdim: 1, axes: { [-1]: last } } } : {}),
    };
  },
  evaluation(config, inner) {
    const layer = serializedLayer(config['layer']);
    if (!layer || !evaluable.has(layer.class_name)) {
      return { refused: `SpectralNormalization of a ${layer?.class_name ?? 'layer'} is not evaluated` };
    }
    // The wrapped layer runs as its own TensorFlow.js class (ours where Keras's differs), and is refused with it.
    const evaluation = inner(layer);
    return 'refused' in evaluation ? { refused: `its ${layer.class_name}: ${evaluation.refused}` } : undefined;
  },
};

// ---- Masking -------------------------------------------------------------------------------------------------------

const masking: LayerRule = {
  hoverKeys: ['mask_value'],
  compute: (_config, [input]) => ({ outputs: [input!], params: 0 }),
  // TensorFlow.js's Masking multiplies by the mask where Keras selects: the same numbers for a finite mask value.
  evaluation(config) {
    const value = config['mask_value'];
    if (typeof value === 'number' && Number.isFinite(value)) return undefined;
    return { refused: `Masking with mask_value=${pythonStr(value)} is not evaluated (a finite number is)` };
  },
};

// ---- ReversibleEmbedding ---------------------------------------------------------------------------------------------

function checkPositive(config: LayerConfig, key: string): void {
  const value = config[key];
  // A string is a size known only at run time (`len(vocabulary)`).
  if (typeof value === 'string') return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new LayerError(`\`${key}\` must be a positive integer. Received: ${key}=${pythonStr(value)} (of type ${pythonType(value)}).`);
  }
}

/** A size, symbolic when known only at run time; unknown when it is not a positive int (refused when the layer was made). */
function embeddingSize(config: LayerConfig, key: string): Dim {
  const value = config[key];
  if (typeof value === 'string') return sizeArgument(config, key);
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

const reversibleEmbedding: LayerRule = {
  hoverKeys: ['input_dim', 'output_dim', 'tie_weights', 'mask_zero', 'reverse_dtype', 'logit_soft_cap'],
  idBound: 'input_dim',
  callTensors: ['inputs'],
  callOptions: ['reverse'],
  normalize(config) {
    checkPositive(config, 'input_dim');
    checkPositive(config, 'output_dim');
    return config;
  },
  compute(config, [input], _context, call) {
    const inputDim = embeddingSize(config, 'input_dim');
    const outputDim = embeddingSize(config, 'output_dim');
    const params =
      isKnown(inputDim) && isKnown(outputDim)
        ? withLora(inputDim * outputDim * (truthy(config['tie_weights']) ? 1 : 2), config, [inputDim, outputDim])
        : { params: null };
    if (!truthy(call.options['reverse'])) return { outputs: [[...input!, outputDim]], ...params };
    if (input!.length === 0) throw new LayerError('list assignment index out of range');
    const last = input!.at(-1)!;
    // Keras's symbolic call does not check the product (compute_output_spec); running it does.
    const warnings =
      isKnown(last) && isKnown(outputDim) && last !== outputDim
        ? [
            `ReversibleEmbedding with reverse=True multiplies its inputs by a (${outputDim}, ${formatDim(inputDim)}) matrix: their last axis is ${last}, not output_dim=${outputDim}. Keras builds the model, but running it fails.`,
          ]
        : [];
    return { outputs: [[...input!.slice(0, -1), inputDim]], ...params, ...(warnings.length > 0 ? { warnings } : {}) };
  },
};

export const normalizationExtraRules: Record<string, LayerRule> = {
  UnitNormalization: unitNormalization,
  RMSNormalization: rmsNormalization,
  GroupNormalization: groupNormalization,
  SpectralNormalization: spectralNormalization,
  Masking: masking,
  ReversibleEmbedding: reversibleEmbedding,
};
