// Recurrent cells and convolutional recurrences: RNN over a cell (a list of
// cells is stacked into StackedRNNCells, as Keras's constructor does), the cells
// LSTMCell, GRUCell, SimpleRNNCell and StackedRNNCells, and ConvLSTM1D/2D/3D
// (keras/src/layers/rnn/{rnn,lstm,gru,simple_rnn,stacked_rnn_cells,conv_lstm}.py).
//
// A cell has two uses. As the `cell=` of an RNN, the RNN runs the cell's rule
// through `context.inner` on one time step (the step input, no call arguments)
// and reads Keras's `state_size` and `output_size` from it. Called on its own, a
// cell takes `(inputs, states)`: a single state tensor is modelled (SimpleRNNCell
// and GRUCell return `(h, h)`); a list of states is not (the analysis leaves the
// call unknown), nor is the nesting of LSTMCell's `(h, [h, c])`, which comes out
// flat. The outputs of an RNN whose cells have nested states (return_state over
// stacked LSTM cells: `(output, [h1, c1], [h2, c2])`) also come out flat.

import type { JsonValue, LayerEvaluation } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { exportConfig } from '../../../graph/keras-json.js';
import {
  LayerError,
  nonTrainableOf,
  restoredOf,
  sumKnown,
  type CallArguments,
  type LayerConfig,
  type LayerOutput,
  type LayerRule,
  type RuleContext,
} from '../rule.js';
import { givenStates } from './rnn.js';
import {
  bool,
  checkStateful,
  convLength,
  isRunTimeSize,
  numpyArray,
  pythonRepr,
  sizeArgument,
  standardizePadding,
  undefinedWeightShapeMessage,
} from './util.js';

type SerializedLayer = { readonly class_name: string; readonly config: LayerConfig };

/** Keras's `state_size` of a cell: one size per state, nested for stacked cells. */
type StateSize = Dim | readonly StateSize[];

/** What a cell's rule gives for one time step, when an RNN runs it (`context.inner`, no call arguments). */
interface CellStep extends LayerOutput {
  readonly stateSize: StateSize;
  readonly outputSize: Dim;
}

function isSerializedLayer(value: JsonValue | undefined): value is SerializedLayer {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value['class_name'] === 'string' &&
    typeof value['config'] === 'object' &&
    value['config'] !== null &&
    !Array.isArray(value['config'])
  );
}

/** Python's `str()` of an argument, as Keras's f-strings print it: a layer as `<Dense name=dense, built=False>`. */
function pythonStr(value: JsonValue | undefined): string {
  if (isSerializedLayer(value)) return `<${value.class_name} name=${String(value.config['name'])}, built=False>`;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.some(isSerializedLayer))
    return `[${value.map((v) => (isSerializedLayer(v) ? pythonStr(v) : pythonRepr(v))).join(', ')}]`;
  return pythonRepr(value);
}

/** Keras's error for a weight whose shape has a None: the input's feature size was not known when the cell was built. */
class UndefinedWeightShape extends LayerError {
  constructor(
    readonly shape: Shape,
    readonly path: string,
  ) {
    super(undefinedWeightShapeMessage(shape, path));
  }

  /** The same error as Keras words it when the cell is built inside `layer` (its variable path starts with the layer's name). */
  within(layer: string): UndefinedWeightShape {
    return new UndefinedWeightShape(this.shape, `${layer}/${this.path}`);
  }
}

/** Runs `build`, giving an undefined-weight error the path of the enclosing layer. */
function inside<T>(layer: LayerConfig, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof UndefinedWeightShape) throw error.within(String(layer['name']));
    throw error;
  }
}

function flatStates(size: StateSize): Dim[] {
  return Array.isArray(size) ? (size as readonly StateSize[]).flatMap(flatStates) : [size as Dim];
}

function times(a: Dim, b: Dim): Dim {
  return isKnown(a) && isKnown(b) ? a * b : null;
}

/** Keras checks `units <= 0` in the cell constructors. */
function checkUnits(config: LayerConfig): LayerConfig {
  const units = config['units'];
  if (typeof units === 'number' && units <= 0) {
    throw new LayerError(`Received an invalid value for argument \`units\`, expected a positive integer, got ${units}.`);
  }
  return config;
}

// ---- the cells ------------------------------------------------------------------------------------------------------

interface GatedCell {
  /** Blocks of kernel, recurrent kernel and bias: 4 for LSTM, 3 for GRU, 1 for SimpleRNN. */
  readonly gates: number;
  /** LSTMCell's `state_size` is `[units, units]`; the others' is `units`. */
  readonly twoStates: boolean;
  /** Rows of the bias (GRU with reset_after has an input and a recurrent bias). */
  readonly biasRows: (config: LayerConfig) => number;
}

function callError(className: string, name: string, error: string): LayerError {
  return new LayerError(
    `Could not automatically infer the output shape / dtype of '${name}' (of type ${className}). Either the \`${className}.call()\` method is incorrect, or you need to implement the \`${className}.compute_output_spec() / compute_output_shape()\` method. Error encountered:\n\n${error}`,
  );
}

function gatedCell(className: string, cell: GatedCell): LayerRule {
  return {
    callTensors: ['inputs', 'states'],
    normalize: checkUnits,
    evaluation: () => ({ className: `TensorLens${className}` }),
    hoverKeys: ['units', 'activation', 'recurrent_activation', 'use_bias', 'reset_after'],
    compute(config, inputs, _context, call): CellStep {
      const units = sizeArgument(config, 'units');
      const direct = call.names.length > 0;
      const input = direct ? inputs[call.names.indexOf('inputs')] : inputs[0];
      if (!input) throw new LayerError("missing a required argument: 'inputs'");
      const features = input.at(-1) ?? null;
      if (features === null) throw new UndefinedWeightShape([null, times(units, cell.gates)], `${String(config['name'])}/kernel`);
      const bias = bool(config, 'use_bias') ? cell.biasRows(config) : 0;
      const params =
        isKnown(features) && isKnown(units) ? cell.gates * (features * units + units * units) + cell.gates * units * bias : null;
      const stateSize: StateSize = cell.twoStates ? [units, units] : units;
      if (!direct) {
        const batch = input[0] ?? null;
        return { outputs: [[batch, units], ...flatStates(stateSize).map((s) => [batch, s])], params, stateSize, outputSize: units };
      }
      const states = inputs[call.names.indexOf('states')];
      if (!states) throw new LayerError("missing a required argument: 'states'");
      // One state tensor: Keras reads it whole (SimpleRNN, GRU) or its rows as h and c (LSTM).
      const previous = states.at(-1) ?? null;
      if (isKnown(previous) && isKnown(units) && previous !== units) {
        throw callError(
          className,
          String(config['name']),
          `dot_general requires contracting dimensions to have the same shape, got (${previous},) and (${units},).`,
        );
      }
      const h: Dim[] = [...input.slice(0, -1), units];
      return { outputs: [h, ...flatStates(stateSize).map(() => h)], outputIsList: true, params, stateSize, outputSize: units };
    },
  };
}

/** The cells a stacked cell or an RNN runs, in order; Keras's errors for arguments that are not cells. */
function cellsOf(config: LayerConfig): SerializedLayer[] {
  const cells = config['cells'];
  const list = Array.isArray(cells) ? cells : [];
  for (const cell of list) {
    if (!isSerializedLayer(cell))
      throw new LayerError(`All cells must have a \`call\` method. Received cell without a \`call\` method: ${pythonStr(cell)}`);
    if (!(cell.class_name in stateful)) {
      throw new LayerError(`All cells must have a \`state_size\` attribute. Received cell without a \`state_size\`: ${pythonStr(cell)}`);
    }
  }
  return list as SerializedLayer[];
}

const stackedCells: LayerRule = {
  // Its weights are in its cells, which do not take its `trainable` (measured: a model holding it frozen counts them trainable).
  sublayersKeepTrainable: true,
  callTensors: ['inputs', 'states'],
  evaluation: () => ({ refused: 'StackedRNNCells called on its own (not as the cell of an RNN) is not evaluated' }),
  normalize(config) {
    cellsOf(config);
    return config;
  },
  compute(config, inputs, context, call): CellStep {
    const cells = cellsOf(config);
    const direct = call.names.length > 0;
    const input = direct ? inputs[call.names.indexOf('inputs')] : inputs[0];
    if (!input) throw new LayerError("missing a required argument: 'inputs'");
    if (direct) {
      const states = inputs[call.names.indexOf('states')];
      if (!states) throw new LayerError("missing a required argument: 'states'");
      if (states[0] === null) {
        throw callError(
          'StackedRNNCells',
          String(config['name']),
          "Symbolic dimension 'dynamic_dimension' used in a context that requires a constant",
        );
      }
    }
    if (cells.length === 0) throw new LayerError('list index out of range');
    // Keras builds each cell on the previous one's output: (batch, output_size).
    const batch = input[0] ?? null;
    let step: Shape = input;
    let params: number | null = 0;
    let nonTrainableParams: number | null = 0;
    let restoredBySetter: number | null = 0;
    const sizes: StateSize[] = [];
    let outputSize: Dim = null;
    for (const cell of cells) {
      const out = inside(config, () => stepOf(cell, step, context));
      params = params === null || out.params === null ? null : params + out.params;
      const frozen = nonTrainableOf(out);
      nonTrainableParams = nonTrainableParams === null || frozen === null ? null : nonTrainableParams + frozen;
      restoredBySetter = sumKnown(restoredBySetter, restoredOf(out));
      sizes.push(out.stateSize);
      outputSize = out.outputSize;
      step = [batch, outputSize];
    }
    const states = sizes.flatMap(flatStates).map((s) => [batch, s]);
    return {
      outputs: [[batch, outputSize], ...states],
      ...(direct && { outputIsList: true }),
      params,
      nonTrainableParams,
      restoredBySetter,
      stateSize: sizes,
      outputSize,
    };
  },
};

/**
 * Recurrent layers used as a cell (they have Keras's `state_size`): their states' sizes from `units`; their
 * weights when built on one time step are not modelled.
 */
const layerStates: Readonly<Record<string, (config: LayerConfig) => StateSize>> = {
  SimpleRNN: (config) => sizeArgument(config, 'units'),
  GRU: (config) => sizeArgument(config, 'units'),
  LSTM: (config) => [sizeArgument(config, 'units'), sizeArgument(config, 'units')],
  RNN: () => null,
  ConvLSTM1D: () => null,
  ConvLSTM2D: () => null,
  ConvLSTM3D: () => null,
};

/** Every class that has a `state_size`, which Keras requires of a cell: the cells (their rules are below) and recurrent layers. */
const stateful: Readonly<Record<string, true>> = Object.fromEntries(
  ['SimpleRNNCell', 'GRUCell', 'LSTMCell', 'StackedRNNCells', ...Object.keys(layerStates)].map((c) => [c, true]),
);

/** One time step of a cell: its rule run through the context, or for a recurrent layer used as a cell, its state sizes. */
function stepOf(cell: SerializedLayer, step: Shape, context: RuleContext): CellStep {
  const states = layerStates[cell.class_name];
  if (states) {
    const size = states(cell.config);
    const first = Array.isArray(size) ? ((size as StateSize[])[0] as Dim) : (size as Dim);
    return { outputs: [], params: null, stateSize: size, outputSize: first };
  }
  return context.inner(cell, [step]) as CellStep;
}

// ---- RNN ------------------------------------------------------------------------------------------------------------

/** The cell of an RNN's config as Keras's constructor stores it: a list of cells becomes a StackedRNNCells. */
function rnnCell(config: LayerConfig): SerializedLayer {
  const cell = config['cell'];
  if (Array.isArray(cell)) {
    const stacked = { name: 'stacked_rnn_cells', trainable: true, dtype: config['dtype'] ?? null, cells: cell };
    cellsOf(stacked);
    return { class_name: 'StackedRNNCells', config: stacked };
  }
  if (!isSerializedLayer(cell)) throw new LayerError(`Argument \`cell\` should have a \`call\` method. Received: cell=${pythonStr(cell)}`);
  if (!(cell.class_name in stateful)) {
    throw new LayerError(
      `The RNN cell should have a \`state_size\` attribute (single integer or list of integers, one integer per RNN state). Received: cell=${pythonStr(cell)}`,
    );
  }
  return cell;
}

/** An RNN's outputs: the last output or the sequence, then with return_state each final state (flattened). */
function recurrentOutputs(config: LayerConfig, sequences: Shape, output: Shape, states: Shape[]): Shape[] {
  const full = bool(config, 'return_sequences') ? [sequences[0] ?? null, sequences[1] ?? null, ...output.slice(1)] : output;
  return [full, ...(bool(config, 'return_state') ? states : [])];
}

/** The sequence tensor of a call: named when the file called the layer, the only input when a wrapper runs the rule. */
function sequencesOf(inputs: Shape[], call: CallArguments): Shape {
  const at = call.names.indexOf('sequences');
  return inputs[at >= 0 ? at : 0]!;
}

/** TensorFlow.js loads a cell's config only as `{class_name, config}` with TensorFlow.js-ready values; stacked cells are keyed `cell0`, `cell1`, … so that each is seeded. */
function exportedCell(cell: SerializedLayer): JsonValue {
  if (cell.class_name !== 'StackedRNNCells') return { class_name: cell.class_name, config: exportConfig(cell.config) };
  const cells = (cell.config['cells'] as SerializedLayer[]).map((c, i) => [`cell${i}`, exportedCell(c)] as const);
  return { class_name: cell.class_name, config: { name: String(cell.config['name']), count: cells.length, ...Object.fromEntries(cells) } };
}

const rnnLayerEvaluation = (config: LayerConfig): LayerEvaluation => {
  const cell = config['cell'];
  if (!isSerializedLayer(cell)) return { refused: 'the cell of this RNN is not known' };
  if (cell.class_name in layerStates) return { refused: `an RNN over a ${cell.class_name} layer (not a cell) is not evaluated` };
  return { className: 'TensorLensRNN', config: { ...config, cell: exportedCell(cell) } };
};

const rnn: LayerRule = {
  // Its weights are in its cell, which does not take its `trainable` (measured: a model holding it frozen counts them trainable).
  sublayersKeepTrainable: true,
  callTensors: ['sequences', 'initial_state', 'mask'],
  hoverKeys: ['return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll'],
  normalize: (config) => ({ ...config, cell: rnnCell(config) }),
  evaluation: rnnLayerEvaluation,
  compute(config, inputs, context, call) {
    const cell = rnnCell(config);
    const sequences = sequencesOf(inputs, call);
    if (sequences.length < 2) throw new LayerError('tuple index out of range');
    const batch = sequences[0] ?? null;
    const step = inside(config, () => stepOf(cell, [batch, ...sequences.slice(2)], context));
    checkStateful(config, sequences);
    const states = flatStates(step.stateSize).map((s) => [batch, s]);
    const outputs = recurrentOutputs(config, sequences, [batch, step.outputSize], states);
    return {
      outputs,
      outputIsList: outputs.length > 1,
      params: step.params,
      nonTrainableParams: nonTrainableOf(step),
      restoredBySetter: restoredOf(step),
    };
  },
};

// ---- ConvLSTM ------------------------------------------------------------------------------------------------------

/** Keras `standardize_tuple`, with its messages. */
function standardizeTuple(config: LayerConfig, key: string, n: number, allowZero = false): number[] {
  const value = config[key];
  let message = `The \`${key}\` argument must be a tuple of ${n} integers. Received ${key}=${pythonStr(value)}`;
  let tuple: number[];
  if (typeof value === 'number' && Number.isInteger(value)) tuple = Array<number>(n).fill(value);
  else if (Array.isArray(value) && value.length === n) {
    const bad = value.find((v) => typeof v !== 'number');
    if (bad !== undefined)
      throw new LayerError(
        `${message}including element ${pythonStr(bad)} of type <class '${typeof bad === 'string' ? 'str' : 'NoneType'}'>`,
      );
    tuple = (value as number[]).map(Math.trunc);
  } else throw new LayerError(message);
  const bad = [...new Set(tuple.filter((v) => (allowZero ? v < 0 : v <= 0)))];
  if (bad.length > 0) {
    message += `, including values {${bad.join(', ')}} that do not satisfy \`value ${allowZero ? '>= 0' : '> 0'}\``;
    throw new LayerError(message);
  }
  return tuple;
}

function standardizeDataFormat(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'channels_last';
  const format = String(value).toLowerCase();
  if (format !== 'channels_first' && format !== 'channels_last') {
    throw new LayerError(
      `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${format}`,
    );
  }
  return format;
}

interface ConvLstmArguments {
  readonly kernel: number[];
  readonly strides: number[];
  readonly padding: string;
  readonly dataFormat: string;
  readonly dilation: number[];
}

/** ConvLSTMCell's constructor: its arguments standardized, with Keras's errors. */
function convLstmArguments(config: LayerConfig, rank: number): ConvLstmArguments {
  const kernel = standardizeTuple(config, 'kernel_size', rank);
  const strides = standardizeTuple(config, 'strides', rank, true);
  const padding = standardizePadding(config['padding']);
  const dataFormat = standardizeDataFormat(config['data_format']);
  const dilation = standardizeTuple(config, 'dilation_rate', rank);
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    throw new LayerError(
      `Specifying \`strides > 1\` is not compatible with \`dilation_rate > 1\`. Please provide \`strides=1\` or \`dilation_rate=1\`. Received: strides=${formatShape(strides)} and dilation_rate=${formatShape(dilation)}`,
    );
  }
  return { kernel, strides, padding, dataFormat, dilation };
}

function convLstm(rank: number): LayerRule {
  return {
    // Its weights are in the ConvLSTMCell it makes without its own `trainable` (measured: a model holding it frozen counts them trainable).
    sublayersKeepTrainable: true,
    inputSpec: () => ({ ndim: rank + 3 }),
    unevaluatedCallKeywords: givenStates,
    hoverKeys: ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'return_sequences', 'return_state'],
    ...(rank === 2 && { evaluation: () => ({ className: 'TensorLensConvLSTM2D' }) }),
    normalize(config) {
      const { kernel, strides, padding, dataFormat, dilation } = convLstmArguments(config, rank);
      return { ...config, kernel_size: kernel, strides, padding, data_format: dataFormat, dilation_rate: dilation };
    },
    compute(config, [input]) {
      const sequences = input!;
      const filters = sizeArgument(config, 'filters');
      const { kernel, strides, padding, dataFormat, dilation } = convLstmArguments(config, rank);
      const last = dataFormat === 'channels_last';
      const step: Shape = [sequences[0] ?? null, ...sequences.slice(2)];
      const spatial = last ? step.slice(1, -1) : step.slice(2);
      const channels = (last ? step.at(-1) : step[1]) ?? null;
      // ConvLSTMCell.build, then RNN.build's stateful check, then compute_output_shape.
      if (spatial.some((d) => d === null)) {
        throw new LayerError(
          `ConvLSTM layers only support static input shapes for the spatial dimension. Received invalid input shape: input_shape=${formatShape(step)}`,
        );
      }
      if (channels === null) {
        throw new LayerError(
          `The channel dimension of the inputs (last axis) should be defined. Found None. Full input shape received: input_shape=${formatShape(step)}`,
        );
      }
      checkStateful(config, sequences);
      const out = spatial.map((n, i): Dim => {
        // The same arithmetic as a convolution's, for a size known only at run time written out.
        if (isRunTimeSize(n)) return convLength(n, kernel[i]!, strides[i]!, padding, dilation[i]!);
        if (!isKnown(n)) return null;
        return padding === 'valid'
          ? Math.floor((n - dilation[i]! * (kernel[i]! - 1) - 1) / strides[i]!) + 1
          : Math.floor((n - 1) / strides[i]!) + 1;
      });
      if (padding === 'valid' && out.some((n) => isKnown(n) && n <= 0)) {
        throw new LayerError(
          `Computed output size would be zero or negative. Received \`inputs shape=${formatShape(step)}\`, \`kernel shape=${formatShape([...kernel, channels, filters])}\`, \`dilation_rate=${numpyArray(dilation)}\`, \`strides=${formatShape(strides)}\`, \`padding=${padding}\`.`,
        );
      }
      const state: Dim[] = last ? [step[0]!, ...out, filters] : [step[0]!, filters, ...out];
      const window = kernel.reduce((a, b) => a * b, 1);
      const params =
        isKnown(channels) && isKnown(filters)
          ? window * channels * 4 * filters + window * filters * 4 * filters + (bool(config, 'use_bias') ? 4 * filters : 0)
          : null;
      const outputs = recurrentOutputs(config, sequences, state, [state, state]);
      return { outputs, outputIsList: outputs.length > 1, params };
    },
  };
}

export const recurrentCellsRules: Record<string, LayerRule> = {
  RNN: rnn,
  LSTMCell: gatedCell('LSTMCell', { gates: 4, twoStates: true, biasRows: () => 1 }),
  GRUCell: gatedCell('GRUCell', { gates: 3, twoStates: false, biasRows: (config) => (bool(config, 'reset_after') ? 2 : 1) }),
  SimpleRNNCell: gatedCell('SimpleRNNCell', { gates: 1, twoStates: false, biasRows: () => 1 }),
  StackedRNNCells: stackedCells,
  ConvLSTM1D: convLstm(1),
  ConvLSTM2D: convLstm(2),
  ConvLSTM3D: convLstm(3),
};
