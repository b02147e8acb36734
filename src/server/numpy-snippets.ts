// The seed document's three ways to get the numbers of a tensor, written for the tensor under the cursor: a sub-model
// and predict (Method 2), K.function where the file uses tf.keras (Method 1; Keras 2 only: Keras 3 has no
// backend.function), and for a tensor inside a subclassed model's call(), the eager call of its layers with .numpy()
// (Method 3). Each is inserted after the statement that makes the last name it uses, with names the file does not
// use yet, a sample input of the input's shape (batch 1), and the names the file imports Keras and NumPy as.

import { embeddingRange } from '../engine/plan.js';
import type { Binding, LayerCall, ModelGraph, TensorNode } from '../graph/ir.js';
import { freeDimensionSizes } from '../graph/memory.js';

export interface NumpySnippet {
  readonly title: string;
  /** The line of the analysed document after which the snippet goes. */
  readonly afterLine: number;
  /** Its lines, each ending with a line break. */
  readonly text: string;
  /** The name of the NumPy array it makes. */
  readonly arrayName: string;
}

interface FileStyle {
  /** What NumPy is imported as; undefined when it is not imported (the snippet imports it as np). */
  readonly numpy: string | undefined;
  /** How the file names the functional Model class (`tf.keras.models.Model`, `keras.Model`, `Model`). */
  readonly modelClass: string | undefined;
  /** What `tensorflow.keras.backend` is imported as, when it is. */
  readonly kerasBackend: string | undefined;
  readonly usesTfKeras: boolean;
}

export function numpySnippets(graph: ModelGraph, source: string, binding: Binding): NumpySnippet[] {
  if (binding.value.kind !== 'tensor') return [];
  const tensorId = binding.value.tensor;
  const tensor = graph.tensors[tensorId]!;
  if (tensor.unknown !== undefined) return [];
  const lines = source.split(/\r\n|\r|\n/);
  const style = fileStyle(lines, graph);
  const names = usedNames(source);
  // Each snippet is applied alone: each gets the names the file leaves free.
  const context = (): Context => ({ graph, lines, style, names: new Set(names), binding, tensorId });
  if (topLevel(lines, binding)) {
    // An attribute (`obj.features = …`) would make names that are not identifiers.
    if (!/^[A-Za-z_]\w*$/.test(binding.name)) return [];
    if (tensor.eager) return compact([eagerNumpy(context())]);
    return compact([subModel(context()), backendFunction(context())]);
  }
  const inner = subclassedChain(graph, tensorId);
  return inner ? compact([eagerLayers(context(), inner)]) : [];
}

interface Context {
  readonly graph: ModelGraph;
  readonly lines: readonly string[];
  readonly style: FileStyle;
  readonly names: Set<string>;
  readonly binding: Binding;
  readonly tensorId: number;
}

function compact(snippets: (NumpySnippet | undefined)[]): NumpySnippet[] {
  return snippets.filter((s): s is NumpySnippet => s !== undefined);
}

/** Method 2: `t_model = Model(inputs=model.input, outputs=t)`, then `t_model.predict(sample)`. */
function subModel(c: Context): NumpySnippet | undefined {
  const inputs = modelInputs(c);
  if (!inputs) return undefined;
  const modelClass = c.style.modelClass ?? 'keras.Model';
  const samples = sampleArrays(c, inputs.tensors);
  if (!samples) return undefined;
  const name = c.binding.name;
  const model = fresh(c.names, `${name}_model`);
  const input = fresh(c.names, `${name}_input`);
  const array = fresh(c.names, `${name}_array`);
  const text = [
    ...(c.style.numpy ? [] : ['import numpy as np']),
    ...(c.style.modelClass ? [] : ['import keras']),
    `${model} = ${modelClass}(inputs=${inputs.expression}, outputs=${name})`,
    `${input} = ${samples.length === 1 ? samples[0] : `[${samples.join(', ')}]`}`,
    `${array} = ${model}.predict(${input})`,
  ];
  return snippet(`Get ${name} as NumPy: a sub-model and predict`, inputs.afterLine, text, array);
}

/** Method 1, for tf.keras files: `get_t = K.function(model.inputs, [t])`, then `get_t([sample])[0]`. Keras 2 only. */
function backendFunction(c: Context): NumpySnippet | undefined {
  if (!c.style.usesTfKeras) return undefined;
  const inputs = modelInputs(c);
  if (!inputs) return undefined;
  const samples = sampleArrays(c, inputs.tensors);
  if (!samples) return undefined;
  const name = c.binding.name;
  const backend = c.style.kerasBackend ?? 'K';
  const get = fresh(c.names, `get_${name}`);
  const array = fresh(c.names, `${name}_array`);
  const list = inputs.list;
  const text = [
    ...(c.style.numpy ? [] : ['import numpy as np']),
    ...(c.style.kerasBackend ? [] : ['from tensorflow.keras import backend as K']),
    `${get} = ${backend}.function(${list}, [${name}])`,
    `${array} = ${get}([${samples.join(', ')}])[0]`,
  ];
  return snippet(
    `Get ${name} as NumPy: K.function (Keras 2: TensorFlow before 2.16, or TF_USE_LEGACY_KERAS=1)`,
    inputs.afterLine,
    text,
    array,
  );
}

/** Method 3 for a tensor the file computed eagerly: `.numpy()`. */
function eagerNumpy(c: Context): NumpySnippet | undefined {
  const name = c.binding.name;
  const array = fresh(c.names, `${name}_array`);
  return snippet(`Get ${name} as NumPy: .numpy() of the eager tensor`, c.binding.from.line, [`${array} = ${name}.numpy()`], array);
}

/** Method 3 inside a subclassed model's call(): its layers called eagerly on a sample input, then `.numpy()`. */
function eagerLayers(c: Context, chain: SubclassedChain): NumpySnippet | undefined {
  if (!topLevel(c.lines, chain.model)) return undefined;
  const numpy = c.style.numpy ?? 'np';
  const sample = sampleArray(c.graph, chain.input, numpy);
  if (sample === undefined) return undefined;
  const name = c.binding.name.replace(/^self\./, '').replace(/\W/g, '_');
  const input = fresh(c.names, `${name}_input`);
  const array = fresh(c.names, `${name}_array`);
  const call = chain.attributes.reduce((inner, attribute) => `${chain.model.name}.${attribute}(${inner})`, input);
  const text = [...(c.style.numpy ? [] : ['import numpy as np']), `${input} = ${sample}`, `${array} = ${call}.numpy()`];
  return snippet(`Get ${c.binding.name} as NumPy: an eager call of the model's layers and .numpy()`, chain.model.from.line, text, array);
}

/**
 * The edit that inserts a snippet: at the end of its line, so that in a notebook it stays in the cell of that line.
 * `lines`: the analysed document's.
 */
export function snippetInsertion(lines: readonly string[], snippet: NumpySnippet): { line: number; character: number; text: string } {
  return { line: snippet.afterLine, character: lines[snippet.afterLine]?.length ?? 0, text: `\n${snippet.text.replace(/\n$/, '')}` };
}

function snippet(title: string, afterLine: number, lines: string[], arrayName: string): NumpySnippet {
  return { title, afterLine, text: lines.map((line) => `${line}\n`).join(''), arrayName };
}

interface ModelInputs {
  /** `model.input`, `model.inputs`, `input_layer` or `[a, b]`: what `inputs=` is given. */
  readonly expression: string;
  /** The same as a list, for K.function. */
  readonly list: string;
  readonly tensors: readonly number[];
  readonly afterLine: number;
}

/**
 * The inputs the tensor is computed from: a model of the file whose inputs they are exactly (`model.input`), else the
 * names they are bound to. The snippet goes after the later of the tensor's statement and the model's.
 */
function modelInputs(c: Context): ModelInputs | undefined {
  const needed = inputsOf(c.graph, c.tensorId);
  if (!needed || needed.length === 0) return undefined;
  const afterTensor = c.binding.from.line;
  if (!latestBefore(c.graph, c.binding, afterTensor)) return undefined;
  const sameSet = (ids: readonly number[]) => ids.length === needed.length && needed.every((id) => ids.includes(id));
  for (const id of c.graph.models) {
    const info = c.graph.layers[id]!.model!;
    if (info.kind !== 'functional' || !sameSet(info.inputs)) continue;
    const model = c.graph.bindings.find(
      (b) =>
        (b.value.kind === 'layer' || b.value.kind === 'model') && b.value.layer === id && topLevel(c.lines, b) && !b.name.includes('.'),
    );
    if (!model) continue;
    const afterLine = Math.max(afterTensor, model.from.line);
    if (!latestBefore(c.graph, model, afterLine) || !latestBefore(c.graph, c.binding, afterLine)) continue;
    const single = info.inputs.length === 1;
    return {
      expression: `${model.name}.${single ? 'input' : 'inputs'}`,
      list: `${model.name}.inputs`,
      tensors: info.inputs,
      afterLine,
    };
  }
  const named = needed.map((id) =>
    c.graph.bindings
      .filter((b) => b.value.kind === 'tensor' && b.value.tensor === id && topLevel(c.lines, b) && !b.name.includes('.'))
      .at(-1),
  );
  if (named.some((b) => b === undefined)) return undefined;
  const bindings = named as Binding[];
  const afterLine = Math.max(afterTensor, ...bindings.map((b) => b.from.line));
  if (![c.binding, ...bindings].every((b) => latestBefore(c.graph, b, afterLine))) return undefined;
  const list = `[${bindings.map((b) => b.name).join(', ')}]`;
  return { expression: bindings.length === 1 ? bindings[0]!.name : list, list, tensors: needed, afterLine };
}

/** The Input tensors a KerasTensor is computed from, in the order first met; undefined when a tensor between is not known. */
function inputsOf(graph: ModelGraph, tensor: number): number[] | undefined {
  const found: number[] = [];
  const seen = new Set<number>();
  const stack = [tensor];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = graph.tensors[id];
    if (!node || node.unknown !== undefined || node.eager) return undefined;
    const call = node.producer ? graph.calls[node.producer.call] : undefined;
    if (!call) return undefined;
    if (graph.layers[call.layer]!.className === 'InputLayer') found.push(id);
    else stack.push(...[...call.inputs].reverse());
  }
  // In the order they were made, which is the order of the file's Input calls.
  return found.sort((a, b) => a - b);
}

interface SubclassedChain {
  /** The model instance's binding at the top level of the file. */
  readonly model: Binding;
  /** The attributes of the model whose layers make the tensor from the model's input, innermost first. */
  readonly attributes: readonly string[];
  /** The tensor the model was called on. */
  readonly input: number;
}

/**
 * For a tensor made inside a subclassed model's call(): the chain of the model's own layers (`self.conv(x)`, one input
 * each, no options) from the model's input to it, when it is one.
 */
function subclassedChain(graph: ModelGraph, tensor: number): SubclassedChain | undefined {
  const attributes: string[] = [];
  let id = tensor;
  let parent: LayerCall | undefined;
  for (;;) {
    const producer = graph.tensors[id]?.producer;
    const call = producer ? graph.calls[producer.call] : undefined;
    if (!call || call.parent === undefined) break;
    const outer = graph.calls[call.parent]!;
    if (parent && outer !== parent) return undefined;
    parent = outer;
    if (call.inputs.length !== 1 || call.inputIsList || Object.keys(call.callArguments?.options ?? {}).length > 0) return undefined;
    const attribute = graph.bindings.find((b) => b.value.kind === 'layer' && b.value.layer === call.layer && /^self\.\w+$/.test(b.name));
    if (!attribute) return undefined;
    attributes.unshift(attribute.name.slice('self.'.length));
    id = call.inputs[0]!;
  }
  if (!parent) return undefined;
  if (parent.inputs.length !== 1 || parent.inputs[0] !== id) return undefined;
  const model = graph.bindings.find((b) => b.value.kind === 'model' && b.value.layer === parent.layer && !b.name.includes('.'));
  if (!model || graph.layers[parent.layer]!.model?.kind !== 'subclassed') return undefined;
  return { model, attributes, input: id };
}

/** A sample array for each input, in the file's NumPy name; undefined when one cannot be written. */
function sampleArrays(c: Context, inputs: readonly number[]): string[] | undefined {
  const samples = inputs.map((t) => sampleArray(c.graph, t, c.style.numpy ?? 'np'));
  return samples.every((s): s is string => s !== undefined) ? samples : undefined;
}

/** `np.random.rand(1, 32, 32, 3)` for an input of shape (None, 32, 32, 3); integers for ids, booleans for masks. */
function sampleArray(graph: ModelGraph, tensor: number, numpy: string): string | undefined {
  const node: TensorNode = graph.tensors[tensor]!;
  const dims = node.shape.map((d, axis) => (typeof d === 'number' ? d : d === null ? (axis === 0 ? 1 : freeDimensionSizes[0]) : undefined));
  if (dims.some((d) => d === undefined) || dims.length === 0) return undefined;
  const shape = dims.join(', ');
  if (node.dtype.startsWith('float')) return `${numpy}.random.rand(${shape})`;
  if (node.dtype === 'bool') return `${numpy}.random.rand(${shape}) < 0.5`;
  if (/^u?int/.test(node.dtype)) {
    const high = embeddingRange(graph, tensor) ?? 10;
    return `${numpy}.random.randint(0, ${high}, size=(${shape}${dims.length === 1 ? ',' : ''}))`;
  }
  return undefined;
}

/** Whether the binding is made by a statement of the module itself (not in a function, class or block). */
function topLevel(lines: readonly string[], binding: Binding): boolean {
  return binding.range.start.character === 0 && lines[binding.range.start.line]?.startsWith(binding.name) === true;
}

/** Whether no other binding of the name comes between the binding and the end of `line`: the name still means it there. */
function latestBefore(graph: ModelGraph, binding: Binding, line: number): boolean {
  return !graph.bindings.some(
    (b) =>
      b !== binding &&
      b.name === binding.name &&
      (b.from.line > binding.from.line || (b.from.line === binding.from.line && b.from.character > binding.from.character)) &&
      b.from.line <= line,
  );
}

function fileStyle(lines: readonly string[], graph: ModelGraph): FileStyle {
  let numpy: string | undefined;
  let kerasBackend: string | undefined;
  let tensorflow: string | undefined;
  let keras: string | undefined;
  let model: string | undefined;
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^import\s+numpy(?:\s+as\s+(\w+))?\s*(#.*)?$/.exec(line))) numpy ??= m[1] ?? 'numpy';
    if ((m = /^import\s+tensorflow\.keras\.backend\s+as\s+(\w+)/.exec(line))) kerasBackend ??= m[1];
    if ((m = /^from\s+tensorflow\.keras\s+import\s+.*\bbackend(?:\s+as\s+(\w+))?/.exec(line))) kerasBackend ??= m[1] ?? 'backend';
    if ((m = /^import\s+tensorflow(?:\s+as\s+(\w+))?\s*(#.*)?$/.exec(line))) tensorflow ??= m[1] ?? 'tensorflow';
    if ((m = /^(?:import\s+keras(?:\s+as\s+(\w+))?|from\s+tensorflow\s+import\s+keras(?:\s+as\s+(\w+))?)\s*(#.*)?$/.exec(line)))
      keras ??= m[1] ?? m[2] ?? 'keras';
    if ((m = /^from\s+(?:tensorflow\.)?keras(?:\.models)?\s+import\s+.*\bModel\b(?!\s+as)/.exec(line))) model ??= 'Model';
  }
  const text = lines.join('\n');
  const usesTfKeras = /\b(tf\.keras|tensorflow\.keras)\b|^from\s+tensorflow\s+import\s+keras\b/m.test(text);
  const modelClass =
    functionalModelClass(graph, lines) ?? model ?? (keras ? `${keras}.Model` : tensorflow ? `${tensorflow}.keras.Model` : undefined);
  return { numpy, modelClass, kerasBackend, usesTfKeras };
}

/** How the file calls its own functional models' class: the callee of the first one it makes. */
function functionalModelClass(graph: ModelGraph, lines: readonly string[]): string | undefined {
  for (const id of graph.models) {
    const layer = graph.layers[id]!;
    if (layer.module !== undefined || layer.model?.kind !== 'functional') continue;
    const callee = /^([A-Za-z_][\w.]*)\s*\(/.exec(lines[layer.range.start.line]?.slice(layer.range.start.character) ?? '');
    if (callee && /(^|\.)(Model|Functional)$/.test(callee[1]!)) return callee[1];
  }
  return undefined;
}

/** Every identifier of the text: a name made for a snippet is none of them. */
function usedNames(source: string): Set<string> {
  return new Set(source.match(/[A-Za-z_]\w*/g) ?? []);
}

function fresh(names: Set<string>, base: string): string {
  let name = base;
  for (let i = 2; names.has(name); i++) name = `${base}_${i}`;
  names.add(name);
  return name;
}
