// The files the "Get … as NumPy" code action is tried on, and the tensor of each: the seed's three methods, and files
// that the seed's code does not cover (Keras 3 imports, two inputs and no model, integer ids, a name already taken).
// Shared by the unit test (the analysis of each snippet) and the conformance generator (the snippet run by Keras).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analyzer } from '../../src/analysis/analyze.js';
import { formatShape } from '../../src/graph/shape.js';
import { numpySnippets, snippetInsertion } from '../../src/server/numpy-snippets.js';

const example = (name: string): string => readFileSync(join(import.meta.dirname, '..', '..', 'examples', name), 'utf8');

export interface SnippetCase {
  readonly name: string;
  readonly source: string;
  /** The tensor's name, and which of its bindings (default: the last). */
  readonly tensor: string;
  readonly binding?: number;
}

export const snippetCases: readonly SnippetCase[] = [
  { name: 'seed method 2, conv_layer', source: example('seed_method2_predict.py'), tensor: 'conv_layer' },
  { name: 'seed method 1, conv_tensor', source: example('seed_method1_k_function.py'), tensor: 'conv_tensor' },
  { name: 'seed method 3, conv_out in call()', source: example('seed_method3_subclassing.py'), tensor: 'conv_out' },
  { name: 'seed method 3, dense_out in call()', source: example('seed_method3_subclassing.py'), tensor: 'dense_out' },
  { name: 'seed method 3, conv_tensor (eager)', source: example('seed_method3_subclassing.py'), tensor: 'conv_tensor' },
  {
    name: 'Keras 3, two inputs and no model',
    source: `import keras
from keras import layers

image = keras.Input((16, 16, 3))
meta = keras.Input((4,))
features = layers.GlobalAveragePooling2D()(layers.Conv2D(8, 3)(image))
joined = layers.concatenate([features, meta])
scores = layers.Dense(5)(joined)
`,
    tensor: 'joined',
  },
  {
    name: 'integer ids into an Embedding, names taken',
    source: `from tensorflow import keras
import numpy

ids = keras.Input(shape=(12,), dtype="int32")
embedded = keras.layers.Embedding(1000, 16)(ids)
pooled = keras.layers.GlobalAveragePooling1D()(embedded)
classifier = keras.Model(ids, pooled)
embedded_model = "taken"
`,
    tensor: 'embedded',
  },
];

export interface EditedSource {
  readonly name: string;
  readonly title: string;
  /** The file with the snippet inserted. */
  readonly source: string;
  readonly arrayName: string;
  /** The shape the analysis gives the tensor, batch 1: what the array must have (`(1, 30, 30, 32)`). */
  readonly tensorShape: string;
}

/** Every snippet the code action offers for each case, inserted into its file. */
export function editedSources(analyzer: Analyzer): EditedSource[] {
  return snippetCases.flatMap((c) => {
    const graph = analyzer.analyze(c.source);
    const bindings = graph.bindings.filter((b) => b.name === c.tensor);
    const binding = c.binding === undefined ? bindings.at(-1) : bindings[c.binding];
    if (!binding || binding.value.kind !== 'tensor') throw new Error(`${c.name}: no tensor ${c.tensor}`);
    const shape = formatShape(graph.tensors[binding.value.tensor]!.shape.map((d, axis) => (axis === 0 && d === null ? 1 : d)));
    const lines = c.source.split('\n');
    return numpySnippets(graph, c.source, binding).map((snippet) => {
      const at = snippetInsertion(lines, snippet);
      const edited = [...lines.slice(0, at.line), lines[at.line]! + at.text, ...lines.slice(at.line + 1)].join('\n');
      return { name: c.name, title: snippet.title, source: edited, arrayName: snippet.arrayName, tensorShape: shape };
    });
  });
}

/** The committed record of what Keras made of each snippet (test/conformance/generate-numpy-snippets.ts). */
export const snippetReferencePath = join(import.meta.dirname, '..', 'conformance', 'reference', 'numpy-snippets.json');

export interface SnippetReference {
  readonly key: string;
  readonly source: string;
  readonly arrayName: string;
  /** What Keras made: the array's shape and Python type. */
  readonly shape: number[];
  readonly type: string;
}

/** `case: title`, the key of a snippet in the reference. */
export const snippetKey = (edited: EditedSource): string => `${edited.name}: ${edited.title}`;
