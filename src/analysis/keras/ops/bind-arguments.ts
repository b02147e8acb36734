// A call of a `keras.ops` function bound to its generated signature as Python binds
// it: by position, then by keyword; the rest into `*args` and `**kwargs`.

import { type Arguments, unknown, type Value } from '../../values.js';
import { opSignature } from './signatures.js';

/** The values given, by parameter name (`*args` a tuple, `**kwargs` a dict, both present when the signature has them). */
export function bindOpArguments(path: string, args: Arguments): { given: Map<string, Value> } | { problem: Value } {
  const parameters = opSignature(path)!.parameters;
  const positional = parameters.filter((p) => p.kind === 'positional');
  const varArgs = parameters.find((p) => p.kind === '*');
  const varKeywords = parameters.find((p) => p.kind === '**');
  const given = new Map<string, Value>();
  args.positional.slice(0, positional.length).forEach((value, i) => given.set(positional[i]!.name, value));
  if (args.positional.length > positional.length && !varArgs) {
    return { problem: unknown(`${path}() takes ${positional.length} positional arguments`) };
  }
  if (varArgs) given.set(varArgs.name, { kind: 'tuple', items: args.positional.slice(positional.length) });
  const extraKeywords = new Map<string, { key: Value; value: Value }>();
  for (const [key, value] of args.keywords) {
    const named = parameters.some((p) => p.name === key && (p.kind === 'positional' || p.kind === 'keyword'));
    if (named && given.has(key)) return { problem: unknown(`${path}() got multiple values for argument '${key}'`) };
    if (named) given.set(key, value);
    else if (varKeywords) extraKeywords.set(key, { key: { kind: 'str', value: key }, value });
    else return { problem: unknown(`${path}() got an unexpected keyword argument '${key}'`) };
  }
  if (varKeywords) given.set(varKeywords.name, { kind: 'dict', entries: extraKeywords });
  return { given };
}
