// A Keras model config (`config.json` of a `.keras` archive, `model.to_json()`)
// made into the graph, as Keras's `from_config` makes the model: each layer
// constructed from its config through the registry, and called on the tensors
// its inbound nodes name, in an order where each node's inputs exist. The
// result is the model as if the file had written it: every tensor of it known.

import type { JsonValue } from '../../graph/ir.js';
import { toSnakeCase } from '../keras/naming.js';
import { layerEntry } from '../keras/registry.js';
import { dictKey, isSequence, none, str, tuple, unknown, type Arguments, type CallSite, type Value } from '../values.js';

/** What building a model from its config needs of the analysis. */
export interface ModelMaking {
  input(args: Arguments, site: CallSite): Value;
  createLayer(className: string, args: Arguments, site: CallSite): Value;
  call(callee: Value, args: Arguments, site: CallSite): Value;
  functionalModel(args: Arguments, site: CallSite): Value;
  sequential(args: Arguments, site: CallSite): Value;
  api(path: string): Value;
  /** A value as a Keras config holds it (what a layer made from Python stores), or undefined. */
  configJson(value: Value): JsonValue | undefined;
  /** `model.trainable = False`, for a model saved frozen: its layers are frozen with it, as Keras's setter does. */
  setTrainable(target: Value, value: Value): void;
}

/** Classes of `keras.initializers`, `regularizers`, `constraints`: objects known by class and config. */
const objectModules = new Set(['keras.initializers', 'keras.regularizers', 'keras.constraints']);
const modelClasses = new Set(['Functional', 'Model', 'Sequential']);

type Entries = Map<string, { key: Value; value: Value }>;

function get(entries: Entries, key: string): Value | undefined {
  return entries.get(dictKey(str(key))!)?.value;
}

function keywords(entries: Entries): Map<string, Value> {
  return new Map([...entries.values()].flatMap(({ key, value }) => (key.kind === 'str' ? [[key.value, value] as [string, Value]] : [])));
}

function args(positional: Value[], named = new Map<string, Value>()): Arguments {
  return { positional, keywords: named, keywordNodes: new Map() };
}

export class ModelFromConfig {
  /** The model's own layers as made, each with whether its config says it is trainable. */
  private readonly layers: [Value, boolean][] = [];
  /** The output tensors of each layer's nodes, by layer name: `[node][index]`. */
  private readonly outputs = new Map<string, Value[][]>();

  constructor(
    private readonly making: ModelMaking,
    private readonly site: CallSite,
    /** Where the config comes from, for reasons (`model.keras`). */
    private readonly source: string,
  ) {}

  /** The model a `{"class_name": ..., "config": ...}` describes. */
  model(serialized: Value): Value {
    if (serialized.kind !== 'dict') return unknown(`${this.source} holds no model config`);
    const className = get(serialized.entries, 'class_name');
    const config = get(serialized.entries, 'config');
    if (className?.kind !== 'str' || config?.kind !== 'dict') return unknown(`${this.source} holds no model config`);
    if (className.value === 'Sequential' || className.value === 'Functional' || className.value === 'Model') {
      const model = className.value === 'Sequential' ? this.sequential(config.entries) : this.functional(config.entries);
      const trainable = get(config.entries, 'trainable');
      if (trainable?.kind === 'bool' && !trainable.value) {
        // Frozen as `model.trainable = False` freezes it, then each layer saved trainable made so again, as it was.
        this.making.setTrainable(model, trainable);
        for (const [layer, own] of this.layers) if (own) this.making.setTrainable(layer, { kind: 'bool', value: true });
      }
      return model;
    }
    return unknown(
      `${this.source} holds a ${className.value}, a model class Tensor Lens cannot rebuild from its config (a subclassed model is rebuilt from its Python code)`,
    );
  }

  private sequential(config: Entries): Value {
    const layers = get(config, 'layers');
    if (!layers || !isSequence(layers)) return unknown(`the Sequential config of ${this.source} has no layers`);
    const items = layers.items.map((layer) => (this.className(layer) === 'InputLayer' ? this.inputLayer(layer) : this.layer(layer)));
    // Keras makes every layer before it builds any: one it cannot make stops the load there (or is a class of the
    // code's own, registered, which is not known): the model is unknown, and no later layer's error is Keras's.
    const first = items.find((item) => item.kind === 'unknown');
    if (first) return first;
    return this.making.sequential(args([{ kind: 'list', items }], new Map([['name', get(config, 'name') ?? none]])), this.site);
  }

  private functional(config: Entries): Value {
    const layers = get(config, 'layers');
    if (!layers || !isSequence(layers)) return unknown(`the model config of ${this.source} has no layers`);
    const pending: { name: string; callee: Value; node: Value }[] = [];
    for (const layer of layers.items) {
      if (layer.kind !== 'dict') continue;
      const name =
        get(layer.entries, 'name') ??
        (get(layer.entries, 'config')?.kind === 'dict'
          ? get((get(layer.entries, 'config') as { entries: Entries }).entries, 'name')
          : undefined);
      if (name?.kind !== 'str') continue;
      if (this.className(layer) === 'InputLayer') {
        this.outputs.set(name.value, [[this.inputLayer(layer)]]);
        continue;
      }
      const callee = this.layer(layer);
      if (callee.kind === 'unknown') return callee;
      this.outputs.set(name.value, []);
      const nodes = get(layer.entries, 'inbound_nodes');
      for (const node of nodes && isSequence(nodes) ? nodes.items : []) pending.push({ name: name.value, callee, node });
    }
    // Keras's from_config: a node runs once every tensor it takes exists; shared layers' nodes may wait for later layers.
    for (let progress = true; pending.length > 0 && progress;) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const { name, callee, node } = pending[i]!;
        const call = this.nodeArguments(node);
        if (!call) continue;
        const result = this.making.call(callee, call, this.site);
        this.outputs.get(name)!.push(isSequence(result) ? [...result.items] : [result]);
        pending.splice(i--, 1);
        progress = true;
      }
    }
    const endpoints = (key: string): Value => {
      const refs = get(config, key);
      if (!refs || !isSequence(refs)) return unknown(`the model config of ${this.source} has no ${key}`);
      // One endpoint is written as its own [name, node, index]; several as a list of them.
      const list = refs.items.length > 0 && refs.items[0]!.kind === 'str' ? [refs] : refs.items;
      return {
        kind: 'list',
        items: list.map((ref) => this.history(ref) ?? unknown(`a layer named in ${key} of ${this.source} is not built`)),
      };
    };
    const named = new Map<string, Value>([
      ['inputs', endpoints('input_layers')],
      ['outputs', endpoints('output_layers')],
      ['name', get(config, 'name') ?? none],
    ]);
    return this.making.functionalModel(args([], named), this.site);
  }

  /** A node's call: Keras 3's `{"args": [...], "kwargs": {...}}`, or Keras 2's `[[name, node, index, kwargs], ...]`; undefined while an input is missing. */
  private nodeArguments(node: Value): Arguments | undefined {
    if (node.kind === 'dict') {
      const positional = get(node.entries, 'args');
      const named = get(node.entries, 'kwargs');
      const values = positional && isSequence(positional) ? positional.items.map((v) => this.argument(v)) : [];
      const kw =
        named?.kind === 'dict' ? [...keywords(named.entries)].map(([k, v]) => [k, this.argument(v)] as [string, Value | undefined]) : [];
      if (values.some((v) => v === undefined) || kw.some(([, v]) => v === undefined)) return undefined;
      return args(values as Value[], new Map(kw as [string, Value][]));
    }
    if (!isSequence(node)) return args([]);
    const tensors = node.items.map((ref) => this.history(ref));
    if (tensors.some((t) => t === undefined)) return undefined;
    const kwargs = node.items[0] && isSequence(node.items[0]) ? node.items[0].items[3] : undefined;
    return args(
      [tensors.length === 1 ? tensors[0]! : { kind: 'list', items: tensors as Value[] }],
      kwargs?.kind === 'dict' ? keywords(kwargs.entries) : undefined,
    );
  }

  /** A value of a node's arguments, its tensors looked up; undefined while one does not exist yet. */
  private argument(value: Value): Value | undefined {
    if (value.kind === 'dict' && this.className(value) === '__keras_tensor__') {
      const config = get(value.entries, 'config');
      return config?.kind === 'dict' ? this.history(get(config.entries, 'keras_history') ?? none) : undefined;
    }
    if (isSequence(value)) {
      const items = value.items.map((v) => this.argument(v));
      return items.some((v) => v === undefined) ? undefined : ({ kind: value.kind, items: items as Value[] } as Value);
    }
    return this.configValue(value);
  }

  /** `[layer name, node index, tensor index]`: the tensor, once that node has run. */
  private history(ref: Value): Value | undefined {
    if (!isSequence(ref)) return undefined;
    const [name, node, index] = ref.items;
    if (name?.kind !== 'str' || node?.kind !== 'int' || index?.kind !== 'int') return undefined;
    return this.outputs.get(name.value)?.[node.value]?.[index.value];
  }

  private className(serialized: Value): string | undefined {
    const name = serialized.kind === 'dict' ? get(serialized.entries, 'class_name') : undefined;
    return name?.kind === 'str' ? name.value : undefined;
  }

  private inputLayer(serialized: Value): Value {
    const config = serialized.kind === 'dict' ? get(serialized.entries, 'config') : undefined;
    if (config?.kind !== 'dict') return unknown(`an InputLayer of ${this.source} has no config`);
    const given = keywords(config.entries);
    const shape = given.get('batch_shape') ?? given.get('batch_input_shape');
    const named = new Map<string, Value>([['batch_shape', shape ?? none]]);
    for (const key of ['dtype', 'name', 'sparse']) if (given.has(key)) named.set(key, this.configValue(given.get(key)!));
    return this.making.input(args([], named), this.site);
  }

  /** A layer from `{"class_name": ..., "config": {...}}`, kept with its trainable flag. */
  private layer(serialized: Value): Value {
    const made = this.makeLayer(serialized);
    const config = serialized.kind === 'dict' ? get(serialized.entries, 'config') : undefined;
    const trainable = config?.kind === 'dict' ? get(config.entries, 'trainable') : undefined;
    this.layers.push([made, trainable?.kind !== 'bool' || trainable.value]);
    return made;
  }

  /** A nested model is rebuilt whole; a Lambda's function, Python bytecode in the file, is never run. */
  private makeLayer(serialized: Value): Value {
    const className = this.className(serialized);
    if (className && modelClasses.has(className)) return new ModelFromConfig(this.making, this.site, this.source).model(serialized);
    const config = serialized.kind === 'dict' ? get(serialized.entries, 'config') : undefined;
    if (!className || config?.kind !== 'dict') return unknown(`a layer of ${this.source} has no class or config`);
    const module = get((serialized as { entries: Entries }).entries, 'module');
    if (module?.kind === 'str' && !module.value.startsWith('keras')) {
      return unknown(`layer class \`${className}\` of ${this.source} comes from \`${module.value}\`, code that the file does not hold`);
    }
    if (className === 'Lambda') {
      return unknown(`the Lambda layer of ${this.source} holds its function as Python bytecode, which Tensor Lens never runs`);
    }
    const named = new Map([...keywords(config.entries)].map(([k, v]) => [k, this.configValue(v)] as [string, Value]));
    if (module?.kind === 'str' && module.value.startsWith('keras.src.ops')) return this.operation(className, named);
    if (!layerEntry(className)) return unknown(`layer class \`${className}\` of ${this.source} is not a class of keras.layers`);
    return this.making.createLayer(className, args([], named), this.site);
  }

  /**
   * An op node of a functional model (`inputs * 255.0` is a `Multiply` of keras.src.ops.numpy): called as the keras.ops
   * function of its name, with its config (the op's own arguments, `axis`, `keepdims`…) and the node's arguments.
   */
  private operation(className: string, config: Map<string, Value>): Value {
    const fn = this.making.api(`keras.ops.${toSnakeCase(className)}`);
    if (fn.kind !== 'builtin')
      return unknown(`operation \`${className}\` of ${this.source} is not a keras.ops function Tensor Lens models`);
    const options = new Map([...config].filter(([key]) => key !== 'name'));
    return {
      kind: 'builtin',
      name: fn.name,
      call: (call, site) => fn.call({ ...call, keywords: new Map([...options, ...call.keywords]) }, site),
    };
  }

  /** A config entry as the Python value the layer's constructor takes: serialized objects deserialized. */
  private configValue(value: Value): Value {
    if (value.kind === 'list') return { kind: 'list', items: value.items.map((v) => this.configValue(v)) };
    if (value.kind !== 'dict') return value;
    const className = this.className(value);
    const config = get(value.entries, 'config');
    const module = get(value.entries, 'module');
    if (className === undefined || config?.kind !== 'dict') {
      return { kind: 'dict', entries: new Map([...value.entries].map(([k, e]) => [k, { key: e.key, value: this.configValue(e.value) }])) };
    }
    if (className === '__tuple__') {
      const items = get(config.entries, 'value');
      return items && isSequence(items) ? tuple(items.items.map((v) => this.configValue(v))) : unknown('a tuple of a config');
    }
    if (className.endsWith('DTypePolicy')) return get(config.entries, 'name') ?? unknown('a dtype policy without a name');
    if (module?.kind === 'str' && objectModules.has(module.value)) {
      const json = this.making.configJson(config);
      return json === undefined
        ? unknown(`the config of ${className}`)
        : { kind: 'kerasObject', className, config: json as Record<string, never> };
    }
    if (module?.kind === 'str' && module.value.startsWith('keras.layers')) return this.makeLayer(value);
    return unknown(`a ${className} object of a config is not rebuilt`);
  }
}
