// The Keras auto-names a layer takes up besides its own: an unnamed sublayer, SeedGenerator or operation it makes
// when it is constructed, when it is first called (built), or at every later call. Keras names all of these from
// one counter per prefix (keras/src/utils/naming.py), so after `MultiHeadAttention(...)(q, v)` a user's
// `Dropout(0.1)` is `dropout_1`. The table is measured on the pinned Keras by scripts/generate-layer-auto-names.py
// (its docstring describes the JSON); the input casts every layer makes are a general rule, not in the table
// (see `notes` in the JSON).

import type { JsonValue } from '../../graph/ir.js';
import table from './layer-auto-names.json' with { type: 'json' };

export type AutoNameMoment = 'construct' | 'build' | 'call';

/** Prefixes taken, in Keras's order, once per name; null: not measured at that moment. */
type Answer = Readonly<Record<AutoNameMoment, readonly string[] | null>>;

interface Entry extends Answer {
  /** Parameters whose value changes the answer, with the value the class-level answer was measured with. */
  readonly dependsOn?: Readonly<Record<string, JsonValue>>;
  /** The answers measured for other values of `dependsOn`'s parameters. */
  readonly variants?: readonly (Answer & { readonly when: Readonly<Record<string, JsonValue>> })[];
}

interface Table {
  readonly keras: string;
  readonly notes: readonly string[];
  readonly classes: Readonly<Record<string, Entry>>;
  /** Every class and alias measured, whether it takes names of others or not. */
  readonly measured: readonly string[];
  readonly unmeasured: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, string>>;
}

const data = table as unknown as Table;
const measured = new Set(data.measured);

function isNot(value: JsonValue): value is { $not: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && '$not' in value;
}

/** The Keras version the table was measured on. */
export const autoNamesKerasVersion: string = data.keras;

/**
 * Whether a config value is the one a table value stands for: equal, with a table object matching any object that
 * has its keys (a layer argument is written `{"class_name": ...}` and matched by its class only), and `{"$not": v}`
 * any known value (not null) but v.
 */
function matches(expected: JsonValue, actual: JsonValue | undefined): boolean {
  if (actual === undefined) return false;
  if (isNot(expected)) return actual !== null && !matches(expected.$not, actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(e, actual[i]));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) => matches(value, actual[key]));
  }
  return expected === actual;
}

/**
 * The auto-name prefixes (snake_case, as Keras's counters key them: 'softmax', 'dropout', 'seed_generator', …) that a
 * layer of `className` takes besides its own name at `moment`: 'construct' (its constructor), 'build' (its first
 * call) or 'call' (each later call); in Keras's order, a prefix once per name taken. Undefined when it is not known:
 * a class not measured (custom layers, wrappers of other frameworks), a moment not measured for the class, or a
 * value of an argument that changes the answer other than those measured (an unknown value: null in the config).
 * A config key left out stands for the argument's default.
 */
export function autoNamesTaken(
  className: string,
  config: Record<string, JsonValue>,
  moment: AutoNameMoment,
): readonly string[] | undefined {
  const canonical = data.aliases[className] ?? className;
  const entry = data.classes[canonical];
  if (entry === undefined) return measured.has(className) || measured.has(canonical) ? [] : undefined;
  let answer: Answer = entry;
  if (entry.dependsOn !== undefined) {
    const base = entry.dependsOn;
    const differing = Object.keys(base).filter((key) => key in config && !matches(base[key]!, config[key]));
    if (differing.length > 0) {
      const found = (entry.variants ?? []).find(
        (variant) =>
          Object.keys(variant.when).length === differing.length &&
          differing.every((key) => key in variant.when && matches(variant.when[key]!, config[key])),
      );
      if (found === undefined) return undefined;
      answer = found;
    }
  }
  return answer[moment] ?? undefined;
}
