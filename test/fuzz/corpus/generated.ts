// Source c: random Keras programs from a small seeded grammar — functional
// models (inputs, layers, helpers, control flow, custom layers, merges),
// Sequential lists, and subclassed models called eagerly.

import type { Random } from '../random.js';
import type { CorpusFile } from './corpus-file.js';
import { body } from './program-statements.js';
import { ProgramWriter, type TensorVar } from './program-writer.js';

const imports: { lines: string[]; keras: string; layers: string }[] = [
  { lines: ['import keras', 'from keras import layers'], keras: 'keras', layers: 'layers' },
  { lines: ['from tensorflow import keras', 'from tensorflow.keras import layers'], keras: 'keras', layers: 'layers' },
  { lines: ['import tensorflow as tf'], keras: 'tf.keras', layers: 'tf.keras.layers' },
  { lines: ['import keras', 'from keras import layers as L'], keras: 'keras', layers: 'L' },
  { lines: ['import keras', 'import keras.layers as kl'], keras: 'keras', layers: 'kl' },
];

function header(w: ProgramWriter, lines: string[]): void {
  for (const line of lines) w.line(line);
  if (!lines.some((line) => line.includes('tensorflow as tf'))) w.line('import tensorflow as tf');
  w.line('import numpy as np');
  w.line('');
  w.line(`USE_BN = ${w.random.pick(['True', 'False'])}`);
  w.line(`DEPTH = ${w.random.int(0, 4)}`);
  w.line(`FILTERS = [${w.random.int(1, 64)}, ${w.random.int(1, 64)}, ${w.random.int(1, 64)}]`);
  w.line('');
}

function helpers(w: ProgramWriter): void {
  if (w.random.chance(0.6)) {
    const conv = w.random.chance(0.5);
    const name = conv ? 'conv_block' : 'dense_block';
    w.block(`def ${name}(x, filters${w.random.chance(0.3) ? ', dropout=0.1' : ''}):`, () => {
      if (w.random.chance(0.3)) w.line(`"""${name}: two layers and a residual."""`);
      w.line('shortcut = x');
      w.line(conv ? `x = ${w.layers}.Conv2D(filters, 3, padding='same')(x)` : `x = ${w.layers}.Dense(filters)(x)`);
      w.block('if USE_BN:', () => w.line(`x = ${w.layers}.BatchNormalization()(x)`));
      w.line(`x = ${w.layers}.Activation('relu')(x)`);
      if (w.random.chance(0.5)) w.line(conv ? `return ${w.layers}.Conv2D(filters, 1)(x)` : 'return x');
      else w.line(`return ${w.layers}.Concatenate()([x, shortcut])`);
    });
    w.helpers.push({ name, ...(conv && { rank: 4 as const }) });
    w.line('');
  }
  if (w.random.chance(0.4)) {
    const name = w.random.pick(['Scale', 'MyDense', 'Residual']);
    w.block(`class ${name}(${w.layers}.Layer):`, () => {
      w.block('def __init__(self, units=8, **kwargs):', () => {
        w.line('super().__init__(**kwargs)');
        w.line('self.units = units');
      });
      w.block('def build(self, input_shape):', () => {
        w.line("self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer='random_normal', trainable=True)");
        w.line("self.b = self.add_weight(shape=(self.units,), initializer='zeros')");
      });
      w.block('def call(self, inputs):', () => w.line(`return ${w.keras}.ops.matmul(inputs, self.w) + self.b`));
    });
    w.customLayers.push(name);
    w.line('');
  }
}

function input(w: ProgramWriter): { tensor: TensorVar; sample: string } {
  const r = w.random;
  const name = w.fresh(r.pick(['inputs', 'x', 'image', 'tokens', 'inp']));
  const kinds = [
    () => {
      const n = r.pick([1, 3, 8, 32, 784]);
      return { shape: `(${n},)`, sample: `1, ${n}`, rank: 2 as const };
    },
    () => {
      const [h, c] = [r.pick([8, 28, 32, 64]), r.pick([1, 3])];
      return { shape: `(${h}, ${h}, ${c})`, sample: `1, ${h}, ${h}, ${c}`, rank: 4 as const };
    },
    () => {
      const [t, f] = [r.pick([5, 10, 50]), r.pick([1, 4, 16])];
      return { shape: `(${t}, ${f})`, sample: `1, ${t}, ${f}`, rank: 3 as const };
    },
    () => {
      const t = r.pick([10, 100]);
      return { shape: `(${t},)`, sample: `1, ${t}`, rank: 2 as const, ints: true };
    },
    () => ({ shape: '(None, 16)', sample: '1, 7, 16', rank: 3 as const }),
  ];
  const kind = r.pick(kinds)();
  const dtype = 'ints' in kind ? ", dtype='int32'" : '';
  const spelled = r.pick([`shape=${kind.shape}`, kind.shape]);
  w.line(`${name} = ${w.keras}.Input(${spelled}${dtype}${r.chance(0.3) ? `, name='${name}'` : ''})`);
  const tensor: TensorVar = { name, rank: kind.rank, ...('ints' in kind && { ints: true }) };
  w.bind(tensor);
  return { tensor, sample: 'ints' in kind ? `np.random.randint(0, 100, size=(${kind.sample}))` : `np.random.rand(${kind.sample})` };
}

function functional(w: ProgramWriter): void {
  helpers(w);
  const inputs = Array.from({ length: w.random.chance(0.25) ? 2 : 1 }, () => input(w));
  body(w, 0, w.random.int(3, 14));
  const outputs = w.tensors.filter((t) => !inputs.some((i) => i.tensor.name === t.name));
  const out = outputs.length ? outputs.slice(-w.random.int(1, 2)).map((t) => t.name) : [inputs[0]!.tensor.name];
  const ins = inputs.map((i) => i.tensor.name);
  const spell = (names: string[]): string => (names.length === 1 ? names[0]! : `[${names.join(', ')}]`);
  w.line('');
  w.line(`model = ${w.keras}.Model(inputs=${spell(ins)}, outputs=${spell(out)}, name='generated')`);
  if (w.random.chance(0.5)) w.line('model.summary()');
  if (w.random.chance(0.4)) w.line(`preds = model.predict(${spell(inputs.map((i) => i.sample))})`);
  if (w.random.chance(0.3)) w.line(`probe = ${w.keras}.Model(model.input, model.layers[${w.random.int(-3, 3)}].output)`);
}

function sequential(w: ProgramWriter): void {
  const image = w.random.chance(0.5);
  const items = image
    ? [
        `${w.keras}.Input(shape=(28, 28, 1))`,
        `${w.layers}.Conv2D(8, 3, activation='relu')`,
        `${w.layers}.MaxPooling2D()`,
        `${w.layers}.Flatten()`,
      ]
    : [`${w.keras}.Input(shape=(${w.random.int(1, 64)},))`];
  for (let i = w.random.int(1, 5); i > 0; i--)
    items.push(`${w.layers}.${w.random.pick(['Dense(16)', 'Dropout(0.2)', 'BatchNormalization()', "Dense(10, activation='softmax')"])}`);
  w.block(`model = ${w.keras}.Sequential(`, () => {
    w.block('[', () => items.forEach((item) => w.line(`${item},`)));
    w.line('],');
    w.line(`name='seq_${w.random.int(0, 9)}',`);
  });
  w.line(')');
  if (w.random.chance(0.5)) w.line(`model.add(${w.layers}.Dense(${w.random.int(1, 10)}))`);
  if (w.random.chance(0.5)) w.line(`y = model(np.random.rand(${image ? '2, 28, 28, 1' : '2, 8'}))`);
  w.line('model.summary()');
}

function subclassed(w: ProgramWriter): void {
  w.block(`class Net(${w.keras}.Model):`, () => {
    w.block('def __init__(self, hidden=16):', () => {
      w.line('super().__init__()');
      w.line(`self.d1 = ${w.layers}.Dense(hidden, activation='relu')`);
      w.line(`self.blocks = [${w.layers}.Dense(hidden) for _ in range(${w.random.int(0, 3)})]`);
      w.line(`self.out = ${w.layers}.Dense(${w.random.int(1, 10)})`);
    });
    w.block('def call(self, x, training=False):', () => {
      w.line('x = self.d1(x)');
      w.block('for block in self.blocks:', () => w.line('x = block(x)'));
      w.block('if training:', () => w.line(`x = ${w.layers}.Dropout(0.5)(x)`));
      w.line('return self.out(x)');
    });
  });
  w.line('');
  w.line(`net = Net(${w.random.int(1, 32)})`);
  w.line(`y = net(np.random.rand(${w.random.int(1, 4)}, ${w.random.int(1, 16)}))`);
  if (w.random.chance(0.5)) w.line('values = y.numpy()');
}

export function generatedProgram(random: Random): string {
  const style = random.pick(imports);
  const w = new ProgramWriter(random, style.layers, style.keras);
  header(w, style.lines);
  const shape = random.next();
  if (shape < 0.65) functional(w);
  else if (shape < 0.82) sequential(w);
  else subclassed(w);
  return w.text();
}

/** Program `n` of a seed: the same whatever else the run does. */
export function generatedFile(random: Random, n: number): CorpusFile {
  return { source: 'generated', name: `generated/program-${n}.py`, text: generatedProgram(random.fork(`program-${n}`)) };
}

export function generatedFiles(random: Random, count: number): CorpusFile[] {
  return Array.from({ length: count }, (_, i) => generatedFile(random, i + 1));
}
