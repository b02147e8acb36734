// The layer calls of the generated programs: for a tensor of a given rank, a
// layer that applies to it (mostly) and the rank it gives. About one call in
// fifteen is deliberately wrong for the rank, to exercise the shape errors.

import type { ProgramWriter, TensorVar } from './program-writer.js';

export interface LayerCall {
  /** `layers.Dense(16, activation='relu')`, without the call on the input. */
  readonly layer: string;
  readonly rank: 2 | 3 | 4;
}

const activations = ["'relu'", "'tanh'", "'sigmoid'", "'softmax'", 'None', "'gelu'"];

export function layerFor(w: ProgramWriter, input: TensorVar): LayerCall {
  const r = w.random;
  const L = w.layers;
  const units = r.pick([1, 2, 4, 8, 16, 32, 64, 100, 128]);
  const any: LayerCall[] = [
    { layer: `${L}.Dense(${units}${r.chance(0.5) ? `, activation=${r.pick(activations)}` : ''})`, rank: input.rank },
    { layer: `${L}.Dropout(${r.pick(['0.1', '0.5', '0.25'])})`, rank: input.rank },
    { layer: `${L}.BatchNormalization()`, rank: input.rank },
    { layer: `${L}.Activation(${r.pick(activations.filter((a) => a !== 'None'))})`, rank: input.rank },
    { layer: `${L}.LayerNormalization()`, rank: input.rank },
  ];
  const byRank: Record<2 | 3 | 4, LayerCall[]> = {
    2: input.ints
      ? [{ layer: `${L}.Embedding(${r.pick([100, 1000, 20000])}, ${r.pick([8, 16, 64])})`, rank: 3 }]
      : [
          { layer: `${L}.Reshape((-1, 1))`, rank: 3 },
          { layer: `${L}.RepeatVector(${r.int(2, 5)})`, rank: 3 },
        ],
    3: [
      { layer: `${L}.LSTM(${units})`, rank: 2 },
      { layer: `${L}.LSTM(${units}, return_sequences=True)`, rank: 3 },
      { layer: `${L}.GRU(${units}${r.chance(0.3) ? ', return_sequences=True' : ''})`, rank: 2 },
      { layer: `${L}.Conv1D(${units}, ${r.int(1, 5)}, padding=${r.pick(["'same'", "'valid'", "'causal'"])})`, rank: 3 },
      { layer: `${L}.GlobalMaxPooling1D()`, rank: 2 },
      { layer: `${L}.Flatten()`, rank: 2 },
    ],
    4: [
      {
        layer: `${L}.Conv2D(${r.pick([4, 8, 16, 32])}, ${r.pick(['3', '(3, 3)', '1', '(5, 5)'])}${r.chance(0.5) ? ", padding='same'" : ''}${r.chance(0.3) ? `, strides=${r.pick(['2', '(2, 2)'])}` : ''}${r.chance(0.5) ? ", activation='relu'" : ''})`,
        rank: 4,
      },
      { layer: `${L}.MaxPooling2D(${r.pick(['', '2', '(2, 2)', 'pool_size=3, strides=2'])})`, rank: 4 },
      { layer: `${L}.UpSampling2D()`, rank: 4 },
      { layer: `${L}.GlobalAveragePooling2D()`, rank: 2 },
      { layer: `${L}.Flatten()`, rank: 2 },
      { layer: `${L}.DepthwiseConv2D(3, padding='same')`, rank: 4 },
    ],
  };
  if (r.chance(1 / 15)) {
    // Wrong on purpose: a layer meant for another rank.
    const other = r.pick(([2, 3, 4] as const).filter((rank) => rank !== input.rank));
    return r.pick(byRank[other]);
  }
  if (input.ints) return r.chance(0.8) ? byRank[2][0]! : r.pick(any);
  return r.chance(0.45) ? r.pick(any) : r.pick(byRank[input.rank]);
}

/** `x = layers.Dense(8)(h)`: applies a layer to a tensor in scope and binds the result. */
export function applyLayer(w: ProgramWriter, target?: string): void {
  const input = w.tensor();
  if (!input) return;
  const call = layerFor(w, input);
  const name = target ?? (w.random.chance(0.5) ? input.name : w.fresh('h'));
  w.line(`${name} = ${call.layer}(${input.name})`);
  w.bind({ name, rank: call.rank });
}
