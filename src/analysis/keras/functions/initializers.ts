// keras.initializers: an initializer made in the file (`Constant(1e-4)`, `RandomNormal(stddev=0.02)`) is known by its
// class and config, as Keras serializes it, so that a layer or an `add_weight` given one is evaluated with it. The
// classes, their public names and their parameters come from the pinned Keras (signatures.json).

import type { JsonValue } from '../../../graph/ir.js';
import { unknown, type Arguments, type Value } from '../../values.js';
import { apiFunction, type ApiContext, type ApiFunction } from '../api-context.js';
import type { Parameter } from '../registry.js';
import signatures from '../signatures.json' with { type: 'json' };

interface InitializerSignature {
  readonly names: readonly string[];
  readonly parameters: readonly Parameter[];
}

const initializerClasses = signatures.initializers as Readonly<Record<string, InitializerSignature>>;

export const initializerFunctions: readonly ApiFunction[] = Object.entries(initializerClasses).flatMap(
  ([className, { names, parameters }]) =>
    names.map((name) => apiFunction(`keras.initializers.${name}`, (context, args) => initializer(className, parameters, context, args))),
);

/** The initializer as Keras's config holds it: every parameter, given or defaulted, as JSON. */
function initializer(className: string, parameters: readonly Parameter[], context: ApiContext, args: Arguments): Value {
  const named = parameters.filter((p) => p.kind === 'positional' || p.kind === 'keyword');
  const positional = named.filter((p) => p.kind === 'positional');
  // Zeros and Ones take anything (`*args, **kwargs`) and keep nothing of it.
  const takesAnything = parameters.some((p) => p.kind === '**');
  if (args.positional.length > positional.length && !takesAnything) {
    return unknown(`keras.initializers.${className}() takes ${positional.length} positional arguments`);
  }
  const unexpected = [...args.keywords.keys()].find((key) => !named.some((p) => p.name === key));
  if (unexpected !== undefined && !takesAnything) return unknown(`keras.initializers.${className}() has no argument \`${unexpected}\``);
  const config: Record<string, JsonValue> = {};
  for (const [i, parameter] of named.entries()) {
    const value = args.keywords.get(parameter.name) ?? (parameter.kind === 'positional' ? args.positional[i] : undefined);
    const json = value === undefined ? parameter.default : context.keras.configValue(value);
    if (json === undefined) return unknown(`the \`${parameter.name}\` of this ${className} is not known`);
    config[parameter.name] = json;
  }
  return { kind: 'kerasObject', className, config };
}
