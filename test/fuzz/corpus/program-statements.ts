// The statements of the generated programs: layer calls, merges, helper calls,
// for/while loops, if/else, with, try, comprehensions, lambdas and tensor ops.
// Each writes its lines and updates the tensors in scope.

import { applyLayer } from './program-layers.js';
import type { ProgramWriter } from './program-writer.js';

type Statement = (w: ProgramWriter, depth: number) => void;

function merge(w: ProgramWriter): void {
  const a = w.tensor();
  const b = a && w.tensor((t) => t.name !== a.name && (t.rank === a.rank || w.random.chance(0.1)));
  if (!a || !b) return applyLayer(w);
  const layer = w.random.pick(['Add', 'Concatenate', 'Multiply', 'Average', 'Maximum']);
  const name = w.fresh('m');
  w.line(`${name} = ${w.layers}.${layer}()([${a.name}, ${b.name}])`);
  w.bind({ name, rank: a.rank });
}

function forLoop(w: ProgramWriter, depth: number): void {
  const x = w.tensor();
  if (!x) return;
  const header = w.random.pick([
    `for i in range(${w.random.int(0, 6)}):`,
    `for units in [${w.random.int(1, 64)}, ${w.random.int(1, 64)}]:`,
    `for i, f in enumerate((8, 16, 32)):`,
    `for _ in range(1, ${w.random.int(2, 5)}, 2):`,
  ]);
  w.block(header, () => {
    if (header.includes('units')) w.line(`${x.name} = ${w.layers}.Dense(units)(${x.name})`);
    else applyLayer(w, x.name);
    if (w.random.chance(0.3)) body(w, depth + 1, 1);
    if (w.random.chance(0.15)) w.line(w.random.pick(['break', 'continue']));
  });
}

function ifElse(w: ProgramWriter, depth: number): void {
  const x = w.tensor();
  const condition = w.random.pick([
    'USE_BN',
    'not USE_BN',
    'DEPTH > 2',
    'True',
    '0',
    x ? `${x.name}.shape[-1] > 8` : 'False',
    'len(FILTERS) == 3',
  ]);
  // Both branches bind the same name, as people write it.
  const before = w.tensors;
  w.block(`if ${condition}:`, () => body(w, depth + 1, w.random.int(1, 2)));
  const after = w.tensors;
  if (w.random.chance(0.7)) {
    w.tensors = before;
    w.block(w.random.chance(0.3) ? `elif DEPTH == 1:` : 'else:', () => body(w, depth + 1, 1));
  }
  w.tensors = w.random.chance(0.5) ? after : w.tensors;
}

function whileLoop(w: ProgramWriter, depth: number): void {
  const counter = w.fresh('n');
  w.line(`${counter} = 0`);
  w.block(`while ${counter} < ${w.random.int(0, 4)}:`, () => {
    body(w, depth + 1, 1);
    w.line(`${counter} += 1`);
  });
}

function withBlock(w: ProgramWriter, depth: number): void {
  const header = w.random.pick([`with ${w.keras}.name_scope('block'):`, "with tf.device('/cpu:0'):", "with open('log.txt') as f:"]);
  w.block(header, () => body(w, depth + 1, w.random.int(1, 2)));
}

function tryBlock(w: ProgramWriter, depth: number): void {
  w.block('try:', () => body(w, depth + 1, 1));
  w.block(w.random.pick(['except Exception as e:', 'except (ValueError, TypeError):', 'except:']), () =>
    w.line(w.random.pick(['pass', 'print(e)', 'raise'])),
  );
  if (w.random.chance(0.3)) w.block('finally:', () => w.line("print('done')"));
}

function comprehension(w: ProgramWriter): void {
  const x = w.tensor();
  if (!x) return;
  const branches = w.fresh('branches');
  const sizes = Array.from({ length: w.random.int(1, 4) }, () => w.random.int(1, 32)).join(', ');
  w.line(
    w.random.pick([
      `${branches} = [${w.layers}.Dense(u)(${x.name}) for u in (${sizes},)]`,
      `${branches} = [${w.layers}.Dense(u, name=f'branch_{u}')(${x.name}) for u in [${sizes}] if u > 2]`,
      `${branches} = {k: ${w.layers}.Dense(k)(${x.name}) for k in (${sizes},)}.values()`,
    ]),
  );
  const name = w.fresh('c');
  w.line(`${name} = ${w.layers}.Concatenate()(list(${branches}))`);
  w.bind({ name, rank: x.rank });
}

function op(w: ProgramWriter): void {
  const x = w.tensor();
  if (!x) return;
  const ops = [
    { text: `${x.name} * 2.0 + 1`, rank: x.rank },
    { text: `${w.keras}.ops.relu(${x.name})`, rank: x.rank },
    { text: `${x.name}[:, 1:]`, rank: x.rank },
    { text: `-${x.name}`, rank: x.rank },
    { text: `${w.keras}.ops.concatenate([${x.name}, ${x.name}], axis=-1)`, rank: x.rank },
    { text: `${w.layers}.Lambda(lambda t: t ** 2)(${x.name})`, rank: x.rank },
  ];
  const chosen = w.random.pick(ops);
  const name = w.fresh('o');
  w.line(`${name} = ${chosen.text}`);
  w.bind({ name, rank: chosen.rank });
}

function helperCall(w: ProgramWriter): void {
  const helper = w.helpers.length ? w.random.pick(w.helpers) : undefined;
  const x = helper && w.tensor((t) => helper.rank === undefined || t.rank === helper.rank);
  if (!helper || !x) return applyLayer(w);
  const name = w.random.chance(0.5) ? x.name : w.fresh('b');
  w.line(`${name} = ${helper.name}(${x.name}, ${w.random.pick([4, 8, 16, 32, 64])})`);
  w.bind({ name, rank: x.rank });
}

function customLayerCall(w: ProgramWriter): void {
  const layer = w.customLayers.length ? w.random.pick(w.customLayers) : undefined;
  const x = w.tensor();
  if (!layer || !x) return applyLayer(w);
  const name = w.fresh('u');
  w.line(`${name} = ${layer}(${w.random.int(1, 16)})(${x.name})`);
  w.bind({ name, rank: x.rank });
}

function sequentialCall(w: ProgramWriter): void {
  const x = w.tensor((t) => t.rank === 2 && !t.ints);
  if (!x) return applyLayer(w);
  const seq = w.fresh('seq');
  const layers = Array.from({ length: w.random.int(0, 3) }, () => `${w.layers}.Dense(${w.random.int(1, 32)})`);
  w.line(`${seq} = ${w.keras}.Sequential([${layers.join(', ')}], name='${seq}')`);
  if (w.random.chance(0.4)) w.line(`${seq}.add(${w.layers}.Dense(${w.random.int(1, 8)}))`);
  const name = w.fresh('s');
  w.line(`${name} = ${seq}(${x.name})`);
  w.bind({ name, rank: 2 });
}

function noise(w: ProgramWriter): void {
  const x = w.tensor();
  w.line(
    w.random.pick([
      '# a comment',
      '',
      `print(${x?.name ?? 'DEPTH'}.shape)`,
      `"""A docstring."""`,
      `assert DEPTH >= 0`,
      'DEPTH = DEPTH + 0',
    ]),
  );
}

const layer: Statement = (w) => applyLayer(w);
const simple: Statement[] = [layer, layer, layer, merge, op, helperCall, customLayerCall, comprehension, sequentialCall, noise];
const compound: Statement[] = [forLoop, ifElse, whileLoop, withBlock, tryBlock];

/** `count` statements; compound ones nest at most three deep. */
export function body(w: ProgramWriter, depth: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const statement = depth < 3 && w.random.chance(0.25) ? w.random.pick(compound) : w.random.pick(simple);
    statement(w, depth);
  }
}
