// Keras 3 layer and model naming: `to_snake_case` of the class name, made unique
// by a counter per prefix shared by the whole Python session (keras/src/utils/naming.py).

const snakeCases = new Map<string, string>();

/** Keras `to_snake_case`: Conv2D → conv2d, LeakyReLU → leaky_re_lu, PReLU → p_re_lu. */
export function toSnakeCase(name: string): string {
  let snake = snakeCases.get(name);
  if (snake === undefined) {
    snake = name
      .replace(/\W+/g, '')
      .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase();
    // Class names are few; the names of a 1,000-layer file are made from them a thousand times.
    if (snakeCases.size < 4096) snakeCases.set(name, snake);
  }
  return snake;
}

export class NameCounter {
  private readonly counts = new Map<string, number>();

  /** Keras `uniquify`: the first use of a prefix keeps it, later ones get `_1`, `_2`, … */
  uniquify(name: string): string {
    const count = this.counts.get(name) ?? 0;
    this.counts.set(name, count + 1);
    return count === 0 ? name : `${name}_${count}`;
  }

  /** Keras `get_uid`: the counter of a prefix, incremented, which `uniquify` reads too. */
  uid(prefix: string): number {
    const count = (this.counts.get(prefix) ?? 0) + 1;
    this.counts.set(prefix, count);
    return count;
  }

  /** `keras.backend.clear_session()` starts the counters again. */
  reset(): void {
    this.counts.clear();
  }

  /** The counters as they are, to start from again with `restore`. */
  snapshot(): ReadonlyMap<string, number> {
    return new Map(this.counts);
  }

  restore(counts: ReadonlyMap<string, number>): void {
    this.counts.clear();
    for (const [name, count] of counts) this.counts.set(name, count);
  }

  autoName(className: string): string {
    return this.uniquify(toSnakeCase(className));
  }
}
