// The state of one generated program while it is written: indented lines, the
// tensors in scope with their rank, and the names the grammar chose.

import type { Random } from '../random.js';

export interface TensorVar {
  readonly name: string;
  /** 2 = (None, n), 3 = (None, steps, features), 4 = (None, h, w, c). */
  readonly rank: 2 | 3 | 4;
  /** Integer token ids (an Embedding can read them). */
  readonly ints?: boolean;
}

export class ProgramWriter {
  readonly lines: string[] = [];
  private depth = 0;
  private counter = 0;
  tensors: TensorVar[] = [];
  /** Helper functions defined at the top: name and the rank they take (any rank when undefined). */
  readonly helpers: { name: string; rank?: 4 }[] = [];
  readonly customLayers: string[] = [];

  constructor(
    readonly random: Random,
    /** How the program names the layers module: `layers`, `L`, `tf.keras.layers`. */
    readonly layers: string,
    /** How it names keras: `keras`, `tf.keras`. */
    readonly keras: string,
  ) {}

  line(text: string): void {
    this.lines.push(text === '' ? '' : '    '.repeat(this.depth) + text);
  }

  block(header: string, body: () => void): void {
    this.line(header);
    this.depth++;
    const before = this.lines.length;
    body();
    if (this.lines.length === before) this.line('pass');
    this.depth--;
  }

  fresh(prefix: string): string {
    return `${prefix}${++this.counter}`;
  }

  /** A tensor in scope, preferring recent ones. */
  tensor(filter: (t: TensorVar) => boolean = () => true): TensorVar | undefined {
    const fitting = this.tensors.filter(filter);
    if (fitting.length === 0) return undefined;
    return this.random.chance(0.6) ? fitting.at(-1) : this.random.pick(fitting);
  }

  bind(tensor: TensorVar): void {
    this.tensors = [...this.tensors.filter((t) => t.name !== tensor.name), tensor];
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}
