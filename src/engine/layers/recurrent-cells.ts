// TensorFlow.js implementations of the Keras layers of src/analysis/keras/rules/recurrent-cells.ts, with Keras 3's math
// (keras/src/layers/rnn/) and its JAX backend's recurrence (keras/src/backend/jax/rnn.py): RNN over Keras cells
// (tfjs-layers' RNN has no zero_output_for_mask, its GRUCell no reset_after, its hard_sigmoid is not Keras 3's), the cells
// called on their own, and ConvLSTM1D/2D/3D (tfjs has only ConvLSTM2D, channels last). The analysis exports RNN,
// the cells and ConvLSTM2D under `TensorLens…` names (the Keras names are tfjs-layers' own), ConvLSTM1D/3D under theirs.
// Weights are made in Keras's order and shapes: per cell kernel, recurrent_kernel, bias.

import * as tf from '@tensorflow/tfjs';
import { convolution } from '../convolution.js';
import { activationName, getActivation, normalizeDataFormat, normalizePadding, normalizeTuple, resolveInitializer } from './common.js';
import type { ConfigValue, DataFormat, Initializer, KerasLayerClass, LayerArgs } from './common.js';

type Config = Record<string, unknown>;
type Activation = (x: tf.Tensor) => tf.Tensor;

/** A layer's constructor arguments without the base ones (name, trainable), for getConfig. */
function ownConfig(args: Config): tf.serialization.ConfigDict {
  return Object.fromEntries(Object.entries(args).filter(([key]) => key !== 'name' && key !== 'trainable')) as tf.serialization.ConfigDict;
}

// tfjs does not export its Initializer base class; Zeros derives from it directly.
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as new () => Initializer;

/** An initializer computed by `make` (Keras's unit_forget_bias, an orthogonal kernel of rank > 2). */
function initializerFrom(name: string, make: (shape: number[]) => tf.Tensor): Initializer {
  const init = new (class extends InitializerBase {
    static className = name;
    apply(shape: tf.Shape): tf.Tensor {
      return make(shape as number[]);
    }
    getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  })();
  return init;
}

function initializer(config: Config, key: string, fallback: () => Initializer): Initializer {
  return resolveInitializer(config[key], fallback);
}

/** Keras's orthogonal initializer flattens every axis but the last; tfjs's takes matrices only. */
function orthogonal(config: Config, key: string): Initializer {
  const base = initializer(config, key, () => tf.initializers.orthogonal({ gain: 1 }));
  return initializerFrom('KerasOrthogonal', (shape) => {
    const columns = shape.at(-1)!;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return tf.tidy(() => base.apply([rows, columns]).reshape(shape));
  });
}

/** LSTM's bias with unit_forget_bias: the bias initializer's, with ones for the forget gate (the second quarter). */
function lstmBias(config: Config, units: number): Initializer {
  const base = initializer(config, 'biasInitializer', () => tf.initializers.zeros());
  if (config['unitForgetBias'] === false) return base;
  return initializerFrom('UnitForgetBias', () =>
    tf.tidy(() => tf.concat([base.apply([units]), tf.ones([units]), base.apply([2 * units])])),
  );
}

function activation(config: Config, key: string, fallback: string): Activation {
  const value = config[key];
  return getActivation(value === undefined ? fallback : activationName(value));
}

/** The layer that owns a cell's weights. */
interface WeightOwner {
  addWeight(name: string, shape: tf.Shape, dtype: 'float32', initializer: Initializer): tf.LayerVariable;
}

interface StepResult {
  readonly output: tf.Tensor;
  readonly states: tf.Tensor[];
}

/** A Keras cell: its states' sizes (flat), its output size, its weights once built, and one time step. */
interface Cell {
  readonly stateSizes: number[];
  readonly outputSize: number;
  build(owner: WeightOwner, inputDim: number): void;
  step(x: tf.Tensor, states: tf.Tensor[]): StepResult;
}

function units(config: Config): number {
  const value = config['units'];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new Error(`units must be a positive integer, got ${String(value)}`);
  return value;
}

const read = (v: tf.LayerVariable | null): tf.Tensor | null => (v === null ? null : v.read());

interface GateWeights {
  readonly kernel: tf.LayerVariable;
  readonly recurrent: tf.LayerVariable;
  readonly bias: tf.LayerVariable | null;
}

/** A cell's kernel, recurrent kernel and bias for its gates side by side, in Keras's order, names and default initializers. */
function gateWeights(
  owner: WeightOwner,
  config: Config,
  name: string,
  shapes: { readonly inputDim: number; readonly units: number; readonly gates: number },
  bias: { readonly shape: number[]; readonly initializer: Initializer } | null,
): GateWeights {
  const { inputDim, units, gates } = shapes;
  const kernelInit = initializer(config, 'kernelInitializer', () => tf.initializers.glorotUniform({}));
  return {
    kernel: owner.addWeight(`${name}/kernel`, [inputDim, gates * units], 'float32', kernelInit),
    recurrent: owner.addWeight(`${name}/recurrent_kernel`, [units, gates * units], 'float32', orthogonal(config, 'recurrentInitializer')),
    bias: bias && owner.addWeight(`${name}/bias`, bias.shape, 'float32', bias.initializer),
  };
}

const zerosBias = (config: Config): Initializer => initializer(config, 'biasInitializer', () => tf.initializers.zeros());

function simpleRnnCell(config: Config): Cell {
  const n = units(config);
  const act = activation(config, 'activation', 'tanh');
  const useBias = config['useBias'] !== false;
  const name = String(config['name'] ?? 'simple_rnn_cell');
  let kernel: tf.LayerVariable, recurrent: tf.LayerVariable;
  let bias: tf.LayerVariable | null = null;
  return {
    stateSizes: [n],
    outputSize: n,
    build(owner, inputDim) {
      const biasSpec = useBias ? { shape: [n], initializer: zerosBias(config) } : null;
      ({ kernel, recurrent, bias } = gateWeights(owner, config, name, { inputDim, units: n, gates: 1 }, biasSpec));
    },
    step(x, [previous]) {
      let h = tf.matMul(x, kernel.read());
      const b = read(bias);
      if (b) h = tf.add(h, b);
      const output = act(tf.add(h, tf.matMul(previous!, recurrent.read())));
      return { output, states: [output] };
    },
  };
}

function gruCell(config: Config): Cell {
  const n = units(config);
  const act = activation(config, 'activation', 'tanh');
  const recurrentAct = activation(config, 'recurrentActivation', 'sigmoid');
  const useBias = config['useBias'] !== false;
  const resetAfter = config['resetAfter'] !== false;
  const name = String(config['name'] ?? 'gru_cell');
  let kernel: tf.LayerVariable, recurrent: tf.LayerVariable;
  let bias: tf.LayerVariable | null = null;
  return {
    stateSizes: [n],
    outputSize: n,
    build(owner, inputDim) {
      const biasSpec = useBias ? { shape: resetAfter ? [2, 3 * n] : [3 * n], initializer: zerosBias(config) } : null;
      ({ kernel, recurrent, bias } = gateWeights(owner, config, name, { inputDim, units: n, gates: 3 }, biasSpec));
    },
    step(x, [previous]) {
      const h0 = previous!;
      const b = read(bias);
      const [inputBias, recurrentBias] = b === null ? [null, null] : resetAfter ? tf.unstack(b) : [b, null];
      let matrixX = tf.matMul(x, kernel.read());
      if (inputBias) matrixX = tf.add(matrixX, inputBias);
      const [xz, xr, xh] = tf.split(matrixX, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const rk = recurrent.read();
      let candidate: tf.Tensor;
      let z: tf.Tensor;
      if (resetAfter) {
        let inner = tf.matMul(h0, rk);
        if (recurrentBias) inner = tf.add(inner, recurrentBias);
        const [hz, hr, hh] = tf.split(inner, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        z = recurrentAct(tf.add(xz, hz));
        const r = recurrentAct(tf.add(xr, hr));
        candidate = act(tf.add(xh, tf.mul(r, hh)));
      } else {
        const [rkzr, rkh] = tf.split(rk, [2 * n, n], 1) as [tf.Tensor, tf.Tensor];
        const [hz, hr] = tf.split(tf.matMul(h0, rkzr), 2, -1) as [tf.Tensor, tf.Tensor];
        z = recurrentAct(tf.add(xz, hz));
        const r = recurrentAct(tf.add(xr, hr));
        candidate = act(tf.add(xh, tf.matMul(tf.mul(r, h0), rkh)));
      }
      const output = tf.add(tf.mul(z, h0), tf.mul(tf.sub(1, z), candidate));
      return { output, states: [output] };
    },
  };
}

function lstmCell(config: Config): Cell {
  const n = units(config);
  const act = activation(config, 'activation', 'tanh');
  const recurrentAct = activation(config, 'recurrentActivation', 'sigmoid');
  const useBias = config['useBias'] !== false;
  const name = String(config['name'] ?? 'lstm_cell');
  let kernel: tf.LayerVariable, recurrent: tf.LayerVariable;
  let bias: tf.LayerVariable | null = null;
  return {
    stateSizes: [n, n],
    outputSize: n,
    build(owner, inputDim) {
      const biasSpec = useBias ? { shape: [4 * n], initializer: lstmBias(config, n) } : null;
      ({ kernel, recurrent, bias } = gateWeights(owner, config, name, { inputDim, units: n, gates: 4 }, biasSpec));
    },
    step(x, [h0, c0]) {
      let z = tf.add(tf.matMul(x, kernel.read()), tf.matMul(h0!, recurrent.read()));
      const b = read(bias);
      if (b) z = tf.add(z, b);
      const [zi, zf, zc, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const c = tf.add(tf.mul(recurrentAct(zf), c0!), tf.mul(recurrentAct(zi), act(zc)));
      const output = tf.mul(recurrentAct(zo), act(c));
      return { output, states: [output, c] };
    },
  };
}

/** StackedRNNCells, as exported by the analysis: its cells under `cell0`, `cell1`, … (tfjs camel-cases the keys). */
function stackedCells(config: Config): Cell {
  const count = typeof config['count'] === 'number' ? config['count'] : 0;
  const cells = Array.from({ length: count }, (_, i) => makeCell(config[`cell${i}`]));
  if (cells.length === 0) throw new Error('StackedRNNCells needs at least one cell');
  const sizes = cells.map((c) => c.stateSizes.length);
  return {
    stateSizes: cells.flatMap((c) => c.stateSizes),
    outputSize: cells.at(-1)!.outputSize,
    build(owner, inputDim) {
      let dim = inputDim;
      for (const cell of cells) {
        cell.build(owner, dim);
        dim = cell.outputSize;
      }
    },
    step(x, states) {
      let input = x;
      const next: tf.Tensor[] = [];
      let at = 0;
      cells.forEach((cell, i) => {
        const own = states.slice(at, at + sizes[i]!);
        at += sizes[i]!;
        const result = cell.step(input, own);
        input = result.output;
        next.push(...result.states);
      });
      return { output: input, states: next };
    },
  };
}

const cellFactories: Readonly<Record<string, (config: Config) => Cell>> = {
  SimpleRNNCell: simpleRnnCell,
  GRUCell: gruCell,
  LSTMCell: lstmCell,
  StackedRNNCells: stackedCells,
};

/** A cell from its serialized form (`{className, config}` once tfjs has camel-cased it). */
function makeCell(serialized: unknown): Cell {
  const value = (serialized ?? {}) as { className?: unknown; class_name?: unknown; config?: unknown };
  const className = String(value.className ?? value.class_name);
  const factory = cellFactories[className];
  if (!factory) throw new Error(`RNN: cells of class ${className} are not evaluated`);
  return factory((value.config ?? {}) as Config);
}

// ---- the recurrence -------------------------------------------------------------------------------------------------

interface RecurrenceOptions {
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  readonly zeroOutputForMask: boolean;
  readonly returnSequences: boolean;
  /** Flat index of the state Keras's JAX backend takes as the previous output of a masked step: the last cell's first. */
  readonly previousOutputState: number;
}

/** Broadcasts a (batch, 1) boolean over a (batch, …) tensor. */
function where(mask: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shaped = mask.reshape([mask.shape[0]!, ...Array<number>(a.rank - 1).fill(1)]);
  return tf.where(tf.broadcastTo(shaped, a.shape), a, b);
}

/**
 * keras/src/backend/jax/rnn.py: the last output, the outputs in processing order (reversed for go_backwards), the last
 * states. With a mask, a masked step keeps the states; its output is, without unroll, zeros (zero_output_for_mask) or
 * the state taken as previous output; with unroll, the previous step's output (zeros at the first step).
 */
function recurrence(
  sequence: tf.Tensor,
  initial: tf.Tensor[],
  mask: tf.Tensor | null,
  step: (x: tf.Tensor, states: tf.Tensor[]) => StepResult,
  options: RecurrenceOptions,
): { last: tf.Tensor; outputs: tf.Tensor | null; states: tf.Tensor[] } {
  const steps = tf.unstack(sequence, 1);
  // Keras: `is_masked = all(not mask, axis=-1)` over a (batch, time[, 1]) mask.
  const masks = mask === null ? null : tf.unstack(mask.rank > 2 ? tf.any(tf.cast(mask, 'bool'), -1) : tf.cast(mask, 'bool'), 1);
  const order = steps.map((_, i) => (options.goBackwards ? steps.length - 1 - i : i));
  let states = initial;
  const outputs: tf.Tensor[] = [];
  let previous: tf.Tensor | null = null;
  for (const t of order) {
    const result = step(steps[t]!, states);
    let output = result.output;
    let next = result.states;
    if (masks) {
      const keep = masks[t]!.reshape([-1, 1]);
      const before = options.unroll
        ? (previous ?? tf.zerosLike(output))
        : options.zeroOutputForMask
          ? tf.zerosLike(output)
          : states[options.previousOutputState]!;
      output = where(keep, output, before);
      next = next.map((s, i) => where(keep, s, states[i]!));
    }
    states = next;
    previous = output;
    if (options.returnSequences) outputs.push(output);
  }
  return { last: previous!, outputs: options.returnSequences ? tf.stack(outputs, 1) : null, states };
}

interface CallKwargs {
  readonly mask?: tf.Tensor | tf.Tensor[] | null;
  readonly tensorNames?: readonly string[];
}

/** The call's tensors by Keras parameter (the analysis exports `tensor_names`; tfjs camel-cases names and values). */
function byName(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): Map<string, tf.Tensor[]> {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const names = kwargs.tensorNames ?? list.map((_, i) => (i === 0 ? 'sequences' : 'initialState'));
  const out = new Map<string, tf.Tensor[]>();
  list.forEach((t, i) => {
    const name = (names[i] ?? 'initialState').replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    out.set(name, [...(out.get(name) ?? []), t]);
  });
  return out;
}

function upstreamMask(kwargs: CallKwargs): tf.Tensor | null {
  const mask = kwargs.mask;
  if (Array.isArray(mask)) return mask[0] ?? null;
  return mask ?? null;
}

interface RecurrentArgs extends LayerArgs {
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
  zeroOutputForMask?: boolean;
}

/** What RNN and ConvLSTM share: the flags, the outputs' layout and the masks they pass on. */
abstract class Recurrent extends tf.layers.Layer {
  protected readonly returnSequences: boolean;
  protected readonly returnState: boolean;
  protected readonly goBackwards: boolean;
  protected readonly isStateful: boolean;
  protected readonly unroll: boolean;
  protected readonly zeroOutputForMask: boolean;

  constructor(args: RecurrentArgs) {
    super(args);
    this.returnSequences = args.returnSequences === true;
    this.returnState = args.returnState === true;
    this.goBackwards = args.goBackwards === true;
    this.isStateful = args.stateful === true;
    this.unroll = args.unroll === true;
    this.zeroOutputForMask = args.zeroOutputForMask === true;
    this.supportsMasking = true;
  }

  protected abstract readonly stateCount: number;

  /** The output tensors in Keras's order from the recurrence's results. */
  protected results(result: { last: tf.Tensor; outputs: tf.Tensor | null; states: tf.Tensor[] }): tf.Tensor | tf.Tensor[] {
    const output = this.returnSequences ? result.outputs! : result.last;
    return this.returnState ? [output, ...result.states] : output;
  }

  /** The output shapes for a sequence of this shape: the step output's, as a sequence or not, then the states'. */
  protected shapes(sequence: tf.Shape, output: tf.Shape, states: tf.Shape[]): tf.Shape | tf.Shape[] {
    const full = this.returnSequences ? [sequence[0] ?? null, sequence[1] ?? null, ...output.slice(1)] : output;
    return this.returnState ? [full, ...states] : full;
  }

  /** This layer as the owner of its cells' weights. */
  protected owner(): WeightOwner {
    return { addWeight: (name, shape, dtype, init) => this.addWeight(name, shape, dtype, init) };
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const first = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const output = this.returnSequences ? first : null;
    return (this.returnState ? [output, ...Array<null>(this.stateCount).fill(null)] : output) as tf.Tensor | tf.Tensor[];
  }

  protected flags(): tf.serialization.ConfigDict {
    return {
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.isStateful,
      unroll: this.unroll,
      zeroOutputForMask: this.zeroOutputForMask,
    };
  }
}

interface RnnArgs extends RecurrentArgs {
  cell?: unknown;
}

/** keras.layers.RNN over Keras cells (a single cell or StackedRNNCells). */
export class TensorLensRNN extends Recurrent {
  static className = 'TensorLensRNN';
  private readonly cellConfig: unknown;
  private readonly cell: Cell;
  protected readonly stateCount: number;

  constructor(args: RnnArgs) {
    super(args);
    this.cellConfig = args.cell;
    this.cell = makeCell(args.cell);
    this.stateCount = this.cell.stateSizes.length;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = firstShape(inputShape);
    if (shape.length !== 3)
      throw new Error(`RNN is evaluated on inputs of rank 3 (batch, time, features); got shape [${shape.join(', ')}]`);
    const features = shape[2];
    if (typeof features !== 'number') throw new Error('RNN: the feature size of the input must be known');
    this.cell.build(this.owner(), features);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = firstShape(inputShape);
    const batch = shape[0] ?? null;
    return this.shapes(
      shape,
      [batch, this.cell.outputSize],
      this.cell.stateSizes.map((s) => [batch, s]),
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const named = byName(inputs, kwargs);
      const sequence = named.get('sequences')![0]!;
      const batch = sequence.shape[0]!;
      const given = named.get('initialState');
      const initial = given ?? this.cell.stateSizes.map((size) => tf.zeros([batch, size]));
      if (initial.length !== this.cell.stateSizes.length) {
        throw new Error(`RNN: the cell has ${this.cell.stateSizes.length} states, the call gives ${initial.length} initial states`);
      }
      const mask = named.get('mask')?.[0] ?? upstreamMask(kwargs);
      const sizes = this.cell.stateSizes;
      const lastCellFirst = lastCellFirstState(this.cellConfig, sizes.length);
      const result = recurrence(sequence, initial, mask, (x, s) => this.cell.step(x, s), {
        goBackwards: this.goBackwards,
        unroll: this.unroll,
        zeroOutputForMask: this.zeroOutputForMask,
        returnSequences: this.returnSequences,
        previousOutputState: lastCellFirst,
      });
      return this.results(result);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.flags(), cell: this.cellConfig as ConfigValue };
  }
}

/** The flat index of the last cell's first state (of a StackedRNNCells; 0 for one cell). */
function lastCellFirstState(serialized: unknown, total: number): number {
  const value = (serialized ?? {}) as { className?: unknown; config?: Config };
  if (value.className !== 'StackedRNNCells' || !value.config) return 0;
  const count = value.config['count'] as number;
  const last = makeCell(value.config[`cell${count - 1}`]);
  return total - last.stateSizes.length;
}

function firstShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

/** A Keras cell called on its own, `cell(inputs, states)` with one state tensor: SimpleRNNCell and GRUCell return (h, h). */
function directCell(className: string): KerasLayerClass {
  const cls = class extends tf.layers.Layer {
    static className = `TensorLens${className}`;
    private readonly cellConfig: Config;
    private readonly cell: Cell;

    constructor(args: LayerArgs & Config) {
      super(args);
      this.cellConfig = { ...args };
      this.cell = cellFactories[className]!(args);
      if (this.cell.stateSizes.length !== 1) throw new Error(`${className} called on its own with one state tensor is not evaluated`);
    }

    override build(inputShape: tf.Shape | tf.Shape[]): void {
      const shape = firstShape(inputShape);
      this.cell.build({ addWeight: (name, s, dtype, init) => this.addWeight(name, s, dtype, init) }, shape.at(-1)!);
      this.built = true;
    }

    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
      const shape = [...firstShape(inputShape).slice(0, -1), this.cell.outputSize];
      return [shape, shape];
    }

    override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
      return tf.tidy(() => {
        const [x, state] = inputs as tf.Tensor[];
        const { output } = this.cell.step(x!, [state!]);
        return [output, output.clone()];
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...(this.cellConfig as tf.serialization.ConfigDict) };
    }
  };
  return cls;
}

// ---- ConvLSTM -------------------------------------------------------------------------------------------------------

interface ConvLstmArgs extends RecurrentArgs {
  filters?: number;
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: string;
  dataFormat?: string | null;
  dilationRate?: number | number[];
  [key: string]: unknown;
}

function convLstm(rank: number, className: string): KerasLayerClass {
  const cls = class extends Recurrent {
    static className = className;
    protected readonly stateCount = 2;
    private readonly filters: number;
    private readonly kernelSize: number[];
    private readonly strides: number[];
    private readonly padding: 'valid' | 'same';
    private readonly dataFormat: DataFormat;
    private readonly dilation: number[];
    private readonly act: Activation;
    private readonly recurrentAct: Activation;
    private readonly useBias: boolean;
    private readonly raw: Config;
    private kernel: tf.LayerVariable | null = null;
    private recurrent: tf.LayerVariable | null = null;
    private bias: tf.LayerVariable | null = null;

    constructor(args: ConvLstmArgs) {
      super(args);
      this.raw = { ...args };
      if (typeof args.filters !== 'number') throw new Error(`${className}: filters is required`);
      this.filters = args.filters;
      this.kernelSize = normalizeTuple(args.kernelSize, rank, 'kernel_size');
      this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides');
      this.padding = normalizePadding(args.padding, ['valid', 'same']) as 'valid' | 'same';
      this.dataFormat = normalizeDataFormat(args.dataFormat);
      this.dilation = normalizeTuple(args.dilationRate ?? 1, rank, 'dilation_rate');
      this.act = activation(args, 'activation', 'tanh');
      this.recurrentAct = activation(args, 'recurrentActivation', 'sigmoid');
      this.useBias = args['useBias'] !== false;
    }

    private channelsOf(shape: tf.Shape): number {
      const channels = this.dataFormat === 'channelsFirst' ? shape[2] : shape.at(-1);
      if (typeof channels !== 'number') throw new Error(`${className}: the channel dimension must be known`);
      return channels;
    }

    override build(inputShape: tf.Shape | tf.Shape[]): void {
      const shape = firstShape(inputShape);
      const channels = this.channelsOf(shape);
      const f = this.filters;
      this.kernel = this.addWeight(
        'kernel',
        [...this.kernelSize, channels, 4 * f],
        'float32',
        initializer(this.raw, 'kernelInitializer', () => tf.initializers.glorotUniform({})),
      );
      this.recurrent = this.addWeight(
        'recurrent_kernel',
        [...this.kernelSize, f, 4 * f],
        'float32',
        orthogonal(this.raw, 'recurrentInitializer'),
      );
      if (this.useBias) this.bias = this.addWeight('bias', [4 * f], 'float32', lstmBias(this.raw, f));
      this.built = true;
    }

    /** The state's shape for a sequence of this shape (batch, time, …), in the layer's data format: Keras's compute_conv_output_shape. */
    private stateShape(shape: tf.Shape, first: boolean): tf.Shape {
      const spatial = first ? shape.slice(3) : shape.slice(2, -1);
      const out = spatial.map((n, i) => {
        if (n === null || n === undefined) return null;
        const k = this.kernelSize[i]!;
        const s = this.strides[i]!;
        return this.padding === 'valid' ? Math.floor((n - this.dilation[i]! * (k - 1) - 1) / s) + 1 : Math.floor((n - 1) / s) + 1;
      });
      return first ? [shape[0] ?? null, this.filters, ...out] : [shape[0] ?? null, ...out, this.filters];
    }

    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
      const shape = firstShape(inputShape);
      const state = this.stateShape(shape, this.dataFormat === 'channelsFirst');
      return this.shapes(shape, state, [state, state]);
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor | tf.Tensor[] {
      return tf.tidy(() => {
        const named = byName(inputs, kwargs);
        let sequence = named.get('sequences')![0]!;
        if (named.get('mask') ?? upstreamMask(kwargs)) throw new Error(`${className} with a mask is not evaluated`);
        const first = this.dataFormat === 'channelsFirst';
        // Steps run channels last: (batch, time, channels, ...) → (batch, time, ..., channels).
        if (first) sequence = tf.transpose(sequence, [0, 1, ...Array.from({ length: rank }, (_, i) => i + 3), 2]);
        const state = this.stateShape(sequence.shape, false) as number[];
        const given = named.get('initialState')?.map((s) => (first ? toLast(s) : s));
        const initial = given ?? [tf.zeros(state), tf.zeros(state)];
        const kernel = this.kernel!.read();
        const recurrent = this.recurrent!.read();
        const bias = this.bias?.read() ?? null;
        const ones = Array<number>(rank).fill(1);
        const step = (x: tf.Tensor, [h0, c0]: tf.Tensor[]): StepResult => {
          let z = convolution(x, kernel, { strides: this.strides, dilations: this.dilation, padding: this.padding });
          if (bias) z = tf.add(z, bias);
          z = tf.add(z, convolution(h0!, recurrent, { strides: ones, dilations: ones, padding: 'same' }));
          const [zi, zf, zc, zo] = tf.split(z, 4, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          const c = tf.add(tf.mul(this.recurrentAct(zf), c0!), tf.mul(this.recurrentAct(zi), this.act(zc)));
          const h = tf.mul(this.recurrentAct(zo), this.act(c));
          return { output: h, states: [h, c] };
        };
        const result = recurrence(sequence, initial, null, step, {
          goBackwards: this.goBackwards,
          unroll: false,
          zeroOutputForMask: false,
          returnSequences: this.returnSequences,
          previousOutputState: 0,
        });
        if (!first) return this.results(result);
        return this.results({
          last: toFirst(result.last),
          outputs: result.outputs === null ? null : toFirstSequence(result.outputs),
          states: result.states.map(toFirst),
        });
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), ...ownConfig(this.raw), ...this.flags() };
    }
  };
  return cls;
}

const toLast = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
const toFirst = (x: tf.Tensor): tf.Tensor => tf.transpose(x, [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)]);
const toFirstSequence = (x: tf.Tensor): tf.Tensor =>
  tf.transpose(x, [0, 1, x.rank - 1, ...Array.from({ length: x.rank - 3 }, (_, i) => i + 2)]);

export const recurrentCellsLayers: readonly KerasLayerClass[] = [
  TensorLensRNN,
  directCell('SimpleRNNCell'),
  directCell('GRUCell'),
  directCell('LSTMCell'),
  convLstm(1, 'ConvLSTM1D'),
  convLstm(2, 'TensorLensConvLSTM2D'),
  convLstm(3, 'ConvLSTM3D'),
];
