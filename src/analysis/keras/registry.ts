// Everything Tensor Lens knows about Keras, TensorFlow and NumPy APIs, keyed by
// canonical API path (`keras.layers.MaxPooling2D`, `keras.Input`, `np.zeros`).
// A layer class's entry joins its constructor signature (generated from the
// pinned Keras by scripts/generate-keras-signatures.py, aliases found there by
// object identity) with what its family file says of it (./rules/); a function's
// entry is its family's small function (./functions/). The interpreter, the
// Keras JSON export, the evaluation plan, hovers and the conformance report all
// read this one table.

import type { JsonValue } from '../../graph/ir.js';
import type { ApiFunction } from './api-context.js';
import type { LayerRule } from './rule.js';
import { applicationFunctions } from './functions/applications.js';
import { kerasUtilityFunctions } from './functions/keras-utilities.js';
import { savedModelFunctions } from './functions/saved-models.js';
import { arrayLiteralFunctions } from './functions/array-literals.js';
import { arrayFunctions } from './functions/arrays.js';
import { dtypePolicyFunctions } from './functions/dtype-policies.js';
import { initializerFunctions } from './functions/initializers.js';
import { opAliasFunctions } from './functions/op-aliases.js';
import { opFunctions } from './functions/ops.js';
import { modelFunctions } from './functions/models.js';
import { pythonModuleFunctions } from './functions/python-modules.js';
import { activationRules } from './rules/activation.js';
import { attentionRules } from './rules/attention.js';
import { convRules } from './rules/conv.js';
import { coreRules } from './rules/core.js';
import { mergeRules } from './rules/merge.js';
import { normalizationExtraRules } from './rules/normalization-extra.js';
import { normalizationRules } from './rules/normalization.js';
import { poolingRules } from './rules/pooling.js';
import { preprocessingRules } from './rules/preprocessing.js';
import { recurrentCellsRules } from './rules/recurrent-cells.js';
import { reshapingRules } from './rules/reshaping.js';
import { rnnRules } from './rules/rnn.js';
import { signalRules } from './rules/signal.js';
import { wrappersRules } from './rules/wrappers.js';
import signatures from './signatures.json' with { type: 'json' };

export interface Parameter {
  readonly name: string;
  /** positional-or-keyword, keyword-only, *args or **kwargs. */
  readonly kind: 'positional' | 'keyword' | '*' | '**';
  readonly required?: boolean;
  readonly default?: JsonValue;
}

/** A class of `keras.layers`. */
export interface LayerEntry {
  readonly kind: 'layer';
  /** `keras.layers.MaxPooling2D`. */
  readonly path: string;
  /** The class's own name, which Keras serializes (`to_json`'s `class_name`) and auto-names from (GroupedQueryAttention). */
  readonly className: string;
  /** The other paths of the same class object (`keras.layers.MaxPool2D`). */
  readonly aliases: readonly string[];
  readonly parameters: readonly Parameter[];
  /**
   * The keywords its `**kwargs` accept without Keras raising "Unrecognized keyword arguments": those an `__init__`
   * of its chain pops, and the parameters of the ancestors' `__init__` they are passed on to (`lora_rank` of Conv2D,
   * `data_format` of the image augmentation layers, `name`, `dtype`, `input_shape`, …). Empty without `**kwargs`.
   */
  readonly kwargsKeywords: ReadonlySet<string>;
  /** The default of `training` in its `call`, which an eager call runs with (True for the augmentation layers). */
  readonly callTraining: boolean | null | undefined;
  /** What Tensor Lens knows of it beyond the signature; undefined while the class is not modelled. */
  readonly rule: LayerRule | undefined;
}

export type ApiEntry = LayerEntry | ApiFunction;

export const kerasVersionOfSignatures: string = signatures.keras;

const layerRules: Readonly<Record<string, LayerRule>> = {
  ...coreRules,
  ...convRules,
  ...poolingRules,
  ...reshapingRules,
  ...normalizationRules,
  ...activationRules,
  ...rnnRules,
  ...mergeRules,
  ...attentionRules,
  ...preprocessingRules,
  ...recurrentCellsRules,
  ...signalRules,
  ...normalizationExtraRules,
  ...wrappersRules,
};

interface SignatureTable {
  readonly classes: Readonly<Record<string, LayerSignature>>;
}

interface LayerSignature {
  readonly names: readonly string[];
  readonly parameters: readonly Parameter[];
  readonly kwargs: readonly string[];
  readonly callTraining?: boolean | null;
}

const layersByClass = new Map<string, LayerEntry>(
  Object.entries((signatures as SignatureTable).classes).map(([className, { names, parameters, kwargs, callTraining }]) => {
    const [primary, ...others] = names.includes(className) ? [className, ...names.filter((n) => n !== className)] : names;
    const entry: LayerEntry = {
      kind: 'layer',
      path: `keras.layers.${primary!}`,
      className,
      aliases: others.map((alias) => `keras.layers.${alias}`),
      parameters,
      kwargsKeywords: new Set(kwargs),
      callTraining,
      rule: layerRules[className],
    };
    return [className, entry];
  }),
);

const entriesByPath = new Map<string, ApiEntry>();
for (const entry of layersByClass.values()) for (const path of [entry.path, ...entry.aliases]) entriesByPath.set(path, entry);
for (const entry of [
  ...opFunctions,
  ...applicationFunctions,
  ...kerasUtilityFunctions,
  ...savedModelFunctions,
  ...opAliasFunctions,
  ...modelFunctions,
  ...arrayFunctions,
  ...arrayLiteralFunctions,
  ...pythonModuleFunctions,
  ...initializerFunctions,
  ...dtypePolicyFunctions,
])
  entriesByPath.set(entry.path, entry);

/** The entry of a canonical API path (see api-paths.ts), aliases included. */
export function apiEntry(path: string): ApiEntry | undefined {
  return entriesByPath.get(path);
}

/** The layer class Keras serializes under this name. */
export function layerEntry(className: string): LayerEntry | undefined {
  return layersByClass.get(className);
}

/** What a layer's constructor signature says, read once per class: the analysis reads it for every layer it makes. */
export interface ConstructorParameters {
  readonly positional: readonly Parameter[];
  /** The names of its positional-or-keyword and keyword-only parameters. */
  readonly named: ReadonlySet<string>;
  readonly takesKwargs: boolean;
  readonly takesDataFormat: boolean;
  /** The parameters with a default, other than `*args` and `**kwargs`. */
  readonly defaults: readonly Parameter[];
}

const readParameters = new WeakMap<LayerEntry, ConstructorParameters>();

export function constructorParameters(entry: LayerEntry): ConstructorParameters {
  let signature = readParameters.get(entry);
  if (!signature) {
    const { parameters } = entry;
    const ordinary = parameters.filter((p) => p.kind === 'positional' || p.kind === 'keyword');
    signature = {
      positional: parameters.filter((p) => p.kind === 'positional'),
      named: new Set(ordinary.map((p) => p.name)),
      takesKwargs: parameters.some((p) => p.kind === '**'),
      takesDataFormat: parameters.some((p) => p.name === 'data_format') || entry.kwargsKeywords.has('data_format'),
      defaults: ordinary.filter((p) => 'default' in p),
    };
    readParameters.set(entry, signature);
  }
  return signature;
}

/** Every class of `keras.layers`, modelled or not, by serialized name. */
export function layerEntries(): LayerEntry[] {
  return [...layersByClass.values()];
}

/** Rules of classes that the signature table does not have (a typo in a family file would otherwise go unnoticed). */
export function rulesWithoutClass(): string[] {
  return Object.keys(layerRules).filter((className) => !layersByClass.has(className));
}
