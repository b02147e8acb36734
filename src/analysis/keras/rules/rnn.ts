// Recurrent layers (SimpleRNN, LSTM, GRU) and the wrappers Bidirectional and
// TimeDistributed. A cell has `gates` blocks of kernel (features×units),
// recurrent kernel (units×units) and bias (units; GRU with reset_after: twice).

import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import type { LayerEvaluation } from '../../../graph/ir.js';
import {
  LayerError,
  nonTrainableOf,
  restoredOf,
  sumKnown,
  type InnerEvaluation,
  type LayerConfig,
  type LayerOutput,
  type LayerRule,
} from '../rule.js';
import { bool, checkStateful, int } from './util.js';

interface Cell {
  readonly gates: number;
  readonly states: number;
  readonly biases: (config: LayerConfig) => number;
}

/** The engine runs recurrent layers from zero states. */
export const givenStates: Readonly<Record<string, string>> = { initial_state: 'the states are not passed to TensorFlow.js' };

function recurrent(cell: Cell): LayerRule {
  return {
    inputSpec: () => ({ ndim: 3 }),
    unevaluatedCallKeywords: givenStates,
    compute(config, [input]) {
      const units = int(config, 'units');
      const features = input![2]!;
      const bias = bool(config, 'use_bias') ? cell.biases(config) * units : 0;
      const params = isKnown(features) ? cell.gates * (features * units + units * units) + cell.gates * bias : null;
      checkStateful(config, input!);
      const batch = input![0]!;
      const output: Dim[] = bool(config, 'return_sequences') ? [batch, input![1]!, units] : [batch, units];
      const states: Shape[] = bool(config, 'return_state') ? Array.from({ length: cell.states }, () => [batch, units]) : [];
      return {
        outputs: [output, ...states],
        outputIsList: states.length > 0,
        params,
        ...(isKnown(features) ? { built: { ndim: 3, axes: { [-1]: features } } } : {}),
      };
    },
  };
}

/**
 * A wrapper runs as its TensorFlow.js class around the wrapped layer as the engine runs that on its own (another class,
 * another config), and is refused with it.
 */
function wrapping(className: string) {
  return (config: LayerConfig, inner: InnerEvaluation): LayerEvaluation | undefined => {
    const layer = config['layer'] as { class_name: string; config: LayerConfig } | null;
    if (!layer || typeof layer !== 'object' || typeof layer.class_name !== 'string') return undefined;
    const evaluation = inner(layer);
    if ('refused' in evaluation) return { refused: `its ${layer.class_name}: ${evaluation.refused}` };
    if (evaluation.className === layer.class_name && evaluation.config === undefined) return undefined;
    return { className, config: { ...config, layer: { class_name: evaluation.className, config: evaluation.config ?? layer.config } } };
  };
}

const bidirectional: LayerRule = {
  // Its weights are in sublayers it makes from `layer` without its own `trainable` (measured: a model holding it frozen counts them trainable).
  sublayersKeepTrainable: true,
  inputSpec: () => ({ ndim: 3 }),
  unevaluatedCallKeywords: givenStates,
  evaluation: wrapping('Bidirectional'),
  compute(config, [input], context) {
    const layer = config['layer'] as { class_name: string; config: LayerConfig } | null;
    if (!layer || typeof layer !== 'object') throw new LayerError('Bidirectional needs a recurrent layer to wrap. Received: layer=None');
    const inner = context.inner(layer, [input!]);
    const backwardLayer = config['backward_layer'] as { class_name: string; config: LayerConfig } | null | undefined;
    const backward = backwardLayer && typeof backwardLayer === 'object' ? context.inner(backwardLayer, [input!]) : undefined;
    const [output, ...states] = inner.outputs;
    const mode = config['merge_mode'];
    let merged: Shape[];
    if (mode === 'concat') {
      const last = output!.at(-1)!;
      merged = [[...output!.slice(0, -1), isKnown(last) ? last * 2 : null]];
    } else if (mode === null) merged = [output!, output!];
    else merged = [output!];
    return {
      outputs: [...merged, ...states, ...states],
      outputIsList: merged.length > 1 || states.length > 0,
      params: inner.params === null ? null : 2 * inner.params,
      // A `backward_layer` given is its own layer, with its own `trainable`.
      nonTrainableParams: sumKnown(nonTrainableOf(inner), nonTrainableOf(backward ?? inner)),
      restoredBySetter: sumKnown(restoredOf(inner), restoredOf(backward ?? inner)),
    };
  },
};

const timeDistributed: LayerRule = {
  // Its weights are in the layer it wraps, which does not take its `trainable` (measured: a model holding it frozen counts them trainable).
  sublayersKeepTrainable: true,
  inputSpec: () => ({ minNdim: 3 }),
  evaluation: wrapping('TimeDistributed'),
  compute(config, [input], context): LayerOutput {
    const layer = config['layer'] as { class_name: string; config: LayerConfig } | null;
    if (!layer || typeof layer !== 'object') throw new LayerError('TimeDistributed needs a layer to wrap. Received: layer=None');
    const inner = context.inner(layer, [[input![0]!, ...input!.slice(2)]]);
    if (inner.outputs.length !== 1) {
      throw new LayerError(
        `TimeDistributed only supports layers with one output. Received: ${layer.class_name} with ${inner.outputs.length} outputs for input_shape=${formatShape(input!)}`,
      );
    }
    return {
      outputs: [[input![0]!, input![1]!, ...inner.outputs[0]!.slice(1)]],
      params: inner.params,
      nonTrainableParams: nonTrainableOf(inner),
      restoredBySetter: restoredOf(inner),
    };
  },
};

export const rnnRules: Record<string, LayerRule> = {
  SimpleRNN: recurrent({ gates: 1, states: 1, biases: () => 1 }),
  LSTM: recurrent({ gates: 4, states: 2, biases: () => 1 }),
  GRU: recurrent({ gates: 3, states: 1, biases: (config) => (bool(config, 'reset_after') ? 2 : 1) }),
  Bidirectional: bidirectional,
  TimeDistributed: timeDistributed,
};
