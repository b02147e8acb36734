// Source d: inputs meant to break an analyser — huge numbers, deep nesting,
// long and endless loops, exponential arithmetic, random bytes, broken
// encodings, odd line endings, non-ASCII names, and a ~5 MB file (made here,
// never committed).

import type { Random } from '../random.js';
import type { CorpusFile } from './corpus-file.js';

const head = 'import keras\nfrom keras import layers\n';

function hugeDimensions(): string {
  return `${head}x = keras.Input(shape=(10**9, 10**9))
h = layers.Dense(10**12)(x)
v = keras.Input(shape=(2**40,))
d = layers.Dense(10**12, activation='relu')(v)
c = layers.Conv2D(2**31, 3)(keras.Input((10**6, 10**6, 3)))
e = layers.Embedding(10**15, 10**6)(keras.Input((10**8,), dtype='int32'))
r = layers.Reshape((-1, 10**18))(v)
n = layers.Dense(-5)(v)
z = layers.Dense(0)(v)
f = layers.Dense(1e300)(v)
model = keras.Model(v, d)
model.summary()
`;
}

function nestedParens(): string {
  return `${head}a = ${'('.repeat(500)}1${')'.repeat(500)}
x = keras.Input((4,))
y = ${'('.repeat(500)}x${')'.repeat(500)}
z = ${'layers.Dense(2)('.repeat(300)}x${')'.repeat(300)}
w = [${'['.repeat(400)}${']'.repeat(400)}]
s = ${Array.from({ length: 3000 }, (_, i) => i).join(' + ')}
`;
}

function nestedIfs(): string {
  const lines = [head.trimEnd(), 'x = keras.Input((8,))'];
  for (let i = 0; i < 200; i++) lines.push(`${' '.repeat(i)}if ${i % 3 ? 'True' : 'x is not None'}:`);
  lines.push(`${' '.repeat(200)}x = layers.Dense(4)(x)`);
  lines.push('model = keras.Model(x, x)');
  return lines.join('\n') + '\n';
}

function layerLoop(): string {
  return `${head}inputs = keras.Input((8,))
x = inputs
for i in range(20000): x = layers.Dense(8)(x)
model = keras.Model(inputs, x)
model.summary()
`;
}

function nestedLoops(): string {
  return `${head}x = keras.Input((8,))
for i in range(10000):
    for j in range(10000):
        x = layers.Dense(1)(x)
for i in range(10**9):
    pass
k = 0
while k < 10**9:
    k += 1
`;
}

function whileTrue(): string {
  return `${head}x = keras.Input((8,))
while True:
    for t in range(1, 10000):
        # only a comment in the body
`;
}

function exponential(): string {
  return `${head}big = 2 ** 10 ** 8
text = 'x' * (10 ** 9)
items = [0] * (10 ** 9)
shape = (None,) * 10 ** 6
x = keras.Input((8,))
for i in range(60):
    x = layers.Concatenate()([x, x])
def f(n):
    return f(n + 1)
y = f(0)
def g(t):
    return g(layers.Dense(2)(t))
z = g(x)
`;
}

function randomBytes(random: Random): string {
  // Latin-1 keeps every byte as one character: NULs, control characters, stray CRs.
  const bytes = Buffer.from(Array.from({ length: 4096 }, () => random.int(0, 255)));
  return bytes.toString('latin1');
}

function invalidUtf8(): string {
  const parts = [
    Buffer.from(`${head}x = keras.Input((4,))  # caf`),
    Buffer.from([0xe9, 0x0a]),
    Buffer.from('y = layers.Dense('),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]),
    Buffer.from(')(x)\nname = "'),
    Buffer.from([0xf0, 0x28, 0x8c, 0x28, 0x00, 0xed, 0xa0, 0x80]),
    Buffer.from('"\nz = layers.Dense(2)(x)\x00\x00\n'),
  ];
  // As an editor shows it: each invalid sequence becomes U+FFFD.
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(parts));
}

function loneCarriageReturns(): string {
  const model = `${head}x = keras.Input((32, 32, 3))
h = layers.Conv2D(8, 3)(x)
h = layers.Flatten()(h)
out = layers.Dense(10)(h)
model = keras.Model(x, out)
`;
  return model.replace(/\n/g, '\r') + 'mixed = 1\r\n\r\ny = layers.Dense(3)(out)\n\r';
}

function nonAsciiNames(): string {
  return `${head}变量 = keras.Input(shape=(3,))
ñ = layers.Dense(4, name='capa_ñ')(变量)
Δx = layers.Dense(2)(ñ)
𝑦 = layers.Dense(1)(Δx)
名前 = "モデル 🚀"
x\u200b = 1
résumé = keras.Model(变量, 𝑦, name=名前)
print(f"{名前}: {résumé}")
`;
}

function fiveMegabytes(): string {
  const lines: string[] = [head.trimEnd(), 'x = keras.Input((16,))'];
  let size = 0;
  for (let i = 0; size < 5_000_000; i++) {
    const line =
      i % 50 === 0
        ? `def block_${i}(t, units=${(i % 64) + 1}):\n    return layers.Dense(units, name='dense_${i}')(t)`
        : i % 7 === 0
          ? `# padding comment ${'-'.repeat(60)} ${i}`
          : `x${i % 1000} = layers.Dense(${(i % 32) + 1}, name='d${i}')(x)`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push('model = keras.Model(x, x1)');
  return lines.join('\n') + '\n';
}

function longLine(): string {
  return `${head}x = keras.Input((4,))\ny = [${'layers.Dense(1)(x), '.repeat(20000)}]\n`;
}

export function adversarialFiles(random: Random, { huge }: { huge: boolean }): CorpusFile[] {
  const files: [string, string][] = [
    ['huge_dimensions.py', hugeDimensions()],
    ['nested_parens.py', nestedParens()],
    ['nested_ifs.py', nestedIfs()],
    ['layer_loop_20000.py', layerLoop()],
    ['nested_loops.py', nestedLoops()],
    ['while_true.py', whileTrue()],
    ['exponential.py', exponential()],
    ['random_bytes.py', randomBytes(random)],
    ['invalid_utf8.py', invalidUtf8()],
    ['lone_cr.py', loneCarriageReturns()],
    ['non_ascii_names.py', nonAsciiNames()],
    ['long_line.py', longLine()],
  ];
  if (huge) files.push(['five_megabytes.py', fiveMegabytes()]);
  return files.map(([name, text]) => ({ source: 'adversarial' as const, name: `adversarial/${name}`, text }));
}
