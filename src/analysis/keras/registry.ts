// The Keras layer classes Tensor Lens knows: each class's constructor signature
// (generated from Keras itself, see scripts/generate-keras-signatures.py) joined
// with its shape rule.

import type { JsonValue } from '../../graph/ir.js';
import type { LayerRule } from './rule.js';
import { activationRules } from './rules/activation.js';
import { convRules } from './rules/conv.js';
import { coreRules } from './rules/core.js';
import { mergeRules } from './rules/merge.js';
import { normalizationRules } from './rules/normalization.js';
import { poolingRules } from './rules/pooling.js';
import { reshapingRules } from './rules/reshaping.js';
import { rnnRules } from './rules/rnn.js';
import signatures from './signatures.json' with { type: 'json' };

export interface Parameter {
  readonly name: string;
  /** positional-or-keyword, keyword-only, *args or **kwargs. */
  readonly kind: 'positional' | 'keyword' | '*' | '**';
  readonly required?: boolean;
  readonly default?: JsonValue;
}

export interface LayerSpec {
  readonly className: string;
  readonly parameters: readonly Parameter[];
  readonly rule: LayerRule | undefined;
}

/** Keyword arguments every Keras layer accepts through `**kwargs`. */
export const baseLayerKeywords: ReadonlySet<string> = new Set(signatures.baseKeywords);

export const kerasVersionOfSignatures: string = signatures.keras;

const rules: Record<string, LayerRule> = {
  ...coreRules,
  ...convRules,
  ...poolingRules,
  ...reshapingRules,
  ...normalizationRules,
  ...activationRules,
  ...rnnRules,
  ...mergeRules,
};

const specs = new Map<string, LayerSpec>(
  Object.entries(signatures.layers as Record<string, Parameter[]>).map(([className, parameters]) => [
    className,
    { className, parameters, rule: rules[className] },
  ]),
);

export function layerSpec(className: string): LayerSpec | undefined {
  return specs.get(className);
}

export function knownLayerClasses(): string[] {
  return [...specs.keys()];
}

const everyKerasLayer = new Set<string>(signatures.allKerasLayers);

/** True for a class Keras has in `keras.layers`, whether Tensor Lens models it or not. */
export function isKerasLayerClass(className: string): boolean {
  return everyKerasLayer.has(className);
}
