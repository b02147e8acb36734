// What a registry entry may ask of the analysis when the file calls it: the
// interpreter and the Keras runtime implement this, so the registry and its
// family files depend on an interface instead of on the interpreter.

import type { ArraySource, JsonValue } from '../../graph/ir.js';
import type { Shape } from '../../graph/shape.js';
import type { Node } from '../python/parser.js';
import type { Arguments, CallSite, Value } from '../values.js';
import type { OpRule } from './ops/op-rule.js';

export interface KerasApi {
  input(args: Arguments, site: CallSite): Value;
  inputLayer(args: Arguments, site: CallSite): Value;
  sequential(args: Arguments, site: CallSite): Value;
  kFunction(args: Arguments, site: CallSite): Value;
  clearSession(): Value;
  setImageDataFormat(args: Arguments): Value;
  imageDataFormatValue(): Value;
  /** keras.config.set_dtype_policy: the policy by name, or unknown when the file sets one that is not known. */
  setDtypePolicy(policy: string | Value): void;
  /** keras.config.dtype_policy(): the global policy as a DTypePolicy object. */
  dtypePolicy(): Value;
  setFloatx(value: Value, site: CallSite): Value;
  floatx(): Value;
  /** `compute()`, with a LayerError it throws reported at the call as the exception Python raises there. */
  raising(site: CallSite, compute: () => Value): Value;
  /** Makes a layer of the class from the arguments after the first and calls it on the first (`keras.layers.add([a, b])`). */
  functionalHelper(className: string, args: Arguments, site: CallSite): Value;
  constantTensor(shape: Shape, dtype: string, source: ArraySource): Value;
  /** A value as a Keras config holds it (numbers, strings, tuples as lists, initializers as class and config), or undefined. */
  configValue(value: Value): JsonValue | undefined;
  /** A call of a `keras.ops` function the registry models, by its canonical path. */
  operation(path: string, rule: OpRule, args: Arguments, site: CallSite): Value;
  /** A call of a `keras.ops` function that takes Python callables (`map`, `scan`, `cond`, …), by its canonical path. */
  callableOp(path: string, args: Arguments, site: CallSite): Value;
  convertToNumpy(args: Arguments, site: CallSite): Value;
  /** `keras.backend.get_uid`: the next number of the session's counter for a prefix, which auto-names share. */
  uid(prefix: string): number;
  /**
   * The model a Keras config describes (`{"class_name": "Functional", "config": …}`), built as Keras's from_config
   * builds it; with the weights of `weightsFile` (a saved model's own) when given.
   */
  modelFromConfig(config: Value, source: string, site: CallSite, weightsFile?: string): Value;
  /** `get_source_inputs`: the Input tensors a tensor is computed from, as a list. */
  sourceInputs(tensor: Value): Value;
}

export interface ApiContext {
  readonly keras: KerasApi;
  /**
   * A name of the Python libraries Tensor Lens ships and reads as source (the pinned Keras's `keras.applications`):
   * a module by its dotted source path, or one of its names.
   */
  library(module: string, name?: string): Value;
  /**
   * A path the file opens, resolved as Python would from the folder the code runs in (the file's folder or a
   * workspace folder): the absolute path as a str when the file is there, None when it is in none of them.
   */
  dataFile(path: string): Value;
  /** A file of Keras's cache (`$KERAS_HOME` or `~/.keras`, then the sub-folder): its path when it is there. */
  cachedFile(subfolder: string, name: string): Value;
  /** The items of an iterable value, or undefined when they are not known. */
  iterate(value: Value): Value[] | undefined;
  /** A Python binary operator (`+`, `@`) on two values, as the file would write it, at `node`. */
  binary(operator: string, left: Value, right: Value, node: Node): Value;
}

/** A function or constant of an API, by canonical path. */
export type ApiFunction =
  | { readonly kind: 'function'; readonly path: string; call(context: ApiContext, args: Arguments, site: CallSite): Value }
  | { readonly kind: 'value'; readonly path: string; readonly value: Value }
  /** A name defined in the Python sources of a library Tensor Lens ships (library/), read as the user's modules are. */
  | { readonly kind: 'library'; readonly path: string; readonly module: string; readonly name?: string };

export function apiFunction(path: string, call: (context: ApiContext, args: Arguments, site: CallSite) => Value): ApiFunction {
  return { kind: 'function', path, call };
}
