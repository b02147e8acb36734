// Turns the Keras functional JSON of a sub-graph into one TensorFlow.js builds
// and runs: layer names tfjs accepts (Keras allows "fixed acidity"; tfjs
// names must match /^[A-Za-z0-9][-A-Za-z0-9._/]*$/), dtypes tfjs has (no
// int64, no float64), and the concrete sizes the inputs are fed with. Plain
// JSON, no TensorFlow.js: the planner reads the dtype rules too.

export type TfjsDtype = 'float32' | 'int32' | 'bool';

/** The tfjs dtype a Keras dtype is evaluated as, or why it cannot be. */
export function tfjsDtype(kerasDtype: string): TfjsDtype | { readonly refused: string } {
  if (kerasDtype === 'bool') return 'bool';
  // Python's `int` and `float` are Keras's int64 and float32.
  if (/^u?int(8|16|32|64)?$/.test(kerasDtype)) return 'int32';
  if (/^(b?float(16|32|64)?|double|half)$/.test(kerasDtype)) return 'float32';
  if (kerasDtype === 'string') return { refused: 'TensorFlow.js layers models cannot carry strings' };
  return { refused: `TensorFlow.js has no dtype ${kerasDtype}` };
}

/** Why an input of this dtype has no sample values, or undefined when it can be fed. */
export function refusedInput(name: string, kerasDtype: string): string | undefined {
  const dtype = tfjsDtype(kerasDtype);
  if (typeof dtype === 'string') return undefined;
  const what = kerasDtype === 'string' ? 'string inputs are not evaluated' : `${kerasDtype} inputs are not evaluated`;
  return `${what}: ${dtype.refused} (input '${name}' has dtype ${kerasDtype})`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface LayerJson {
  class_name: string;
  name: string;
  config: JsonObject;
  inbound_nodes: Json[];
}

interface FunctionalJson {
  class_name: string;
  config: { name?: string; layers: LayerJson[]; input_layers: Json[][]; output_layers: Json[][] };
}

const validName = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

/** Keras layer names ↔ the names the tfjs model has. */
export class LayerNames {
  private readonly toTfjs = new Map<string, string>();
  private readonly toKeras = new Map<string, string>();

  constructor(kerasNames: readonly string[]) {
    const taken = new Set(kerasNames);
    for (const name of kerasNames) {
      if (validName.test(name)) continue;
      const replaced = name.replace(/[^-A-Za-z0-9._/]/g, '_');
      const base = /^[A-Za-z0-9]/.test(replaced) ? replaced : `x${replaced}`;
      let safe = base;
      for (let i = 1; taken.has(safe); i++) safe = `${base}_${i}`;
      taken.add(safe);
      this.toTfjs.set(name, safe);
      this.toKeras.set(safe, name);
    }
  }

  tfjs(kerasName: string): string {
    return this.toTfjs.get(kerasName) ?? kerasName;
  }

  keras(tfjsName: string): string {
    return this.toKeras.get(tfjsName) ?? tfjsName;
  }

  /** A TensorFlow.js message with the user's names back in it. */
  restore(message: string): string {
    let text = message;
    for (const [safe, name] of this.toKeras) text = text.replace(new RegExp(`(?<![\\w.-])${escape(safe)}(?![\\w-])`, 'g'), name);
    return text;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface PreparedTopology {
  readonly topology: unknown;
  readonly names: LayerNames;
}

/** The Keras names of the input layers of a functional JSON, in input order. */
export function inputLayerNames(topology: unknown): string[] {
  return (topology as FunctionalJson).config.input_layers.map((ref) => String(ref[0]));
}

/**
 * A copy of the functional JSON with tfjs-safe names, input dtypes tfjs has, and
 * every input dimension, the batch too, set to the size it is fed with.
 */
export function prepareTopology(topology: unknown, feedShapes?: readonly (readonly number[])[]): PreparedTopology {
  const copy = structuredClone(topology) as FunctionalJson;
  const names = new LayerNames(copy.config.layers.map((l) => l.name));
  const inputNames = inputLayerNames(copy);
  const rename = (ref: Json): void => {
    if (Array.isArray(ref) && typeof ref[0] === 'string') ref[0] = names.tfjs(ref[0]);
  };
  for (const layer of copy.config.layers) {
    layer.name = names.tfjs(layer.name);
    layer.config['name'] = layer.name;
    sanitizeWrapped(layer.config);
    for (const node of layer.inbound_nodes) if (Array.isArray(node)) node.forEach(rename);
    if (layer.class_name === 'InputLayer') {
      const dtype = tfjsDtype(String(layer.config['dtype'] ?? 'float32'));
      if (typeof dtype === 'string') layer.config['dtype'] = dtype;
      const shape = feedShapes?.[inputNames.indexOf(names.keras(layer.name))];
      const declared = layer.config['batch_input_shape'];
      // Every size known, the batch too: tfjs leaves Reshape's -1 unresolved while any dimension is None.
      if (shape && Array.isArray(declared)) layer.config['batch_input_shape'] = declared.map((d, i) => shape[i] ?? d);
    }
  }
  copy.config.input_layers.forEach(rename);
  copy.config.output_layers.forEach(rename);
  return { topology: copy, names };
}

/** The inner layer of a wrapper (Bidirectional, TimeDistributed) is named by tfjs too. */
function sanitizeWrapped(config: JsonObject): void {
  for (const key of ['layer', 'backward_layer']) {
    const inner = config[key];
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) continue;
    const innerConfig = inner['config'];
    if (!innerConfig || typeof innerConfig !== 'object' || Array.isArray(innerConfig)) continue;
    const name = innerConfig['name'];
    if (typeof name === 'string' && !validName.test(name)) innerConfig['name'] = new LayerNames([name]).tfjs(name);
    sanitizeWrapped(innerConfig);
  }
}
