// The keras.ops functions the family files of ops/ model, under every public path of each (`keras.ops.relu`,
// `keras.ops.nn.relu`): a call becomes an operation node of the graph.

import { apiFunction, type ApiFunction } from '../api-context.js';
import { coreOps } from '../ops/core.js';
import { elementwiseOps } from '../ops/elementwise.js';
import { imageOps } from '../ops/image.js';
import { linalgOps } from '../ops/linalg.js';
import { mathOps } from '../ops/math.js';
import { nnOps } from '../ops/nn.js';
import type { OpRule } from '../ops/op-rule.js';
import { productOps } from '../ops/products.js';
import { reductionOps } from '../ops/reductions.js';
import { shapeOps } from '../ops/shapes.js';
import { opPaths } from '../ops/signatures.js';

export const opRules: Readonly<Record<string, OpRule>> = {
  ...elementwiseOps,
  ...reductionOps,
  ...shapeOps,
  ...productOps,
  ...nnOps,
  ...imageOps,
  ...linalgOps,
  ...mathOps,
  ...coreOps,
};

/** Rules whose path is no function of the pinned Keras (a typo in a family file). */
export function opRulesWithoutFunction(): string[] {
  const paths = new Set(opPaths().map(([path]) => path));
  return Object.keys(opRules).filter((path) => !paths.has(path));
}

/** The ops that take Python callables: the interpreter follows the callables (src/analysis/control-flow-runtime.ts). */
export const callableOps: ReadonlySet<string> = new Set(
  [
    'map',
    'vectorized_map',
    'scan',
    'associative_scan',
    'fori_loop',
    'while_loop',
    'cond',
    'switch',
    'jvp',
    'vectorize',
    'custom_gradient',
  ].map((name) => `keras.ops.${name}`),
);

/** The public paths of the keras.ops functions written as decorators of a `def` (`@ops.custom_gradient`). */
export const functionDecorators: ReadonlySet<string> = new Set(
  opPaths()
    .filter(([, canonical]) => canonical === 'keras.ops.custom_gradient')
    .map(([path]) => path),
);

export const opFunctions: readonly ApiFunction[] = opPaths().flatMap(([path, canonical]) => {
  if (callableOps.has(canonical)) return [apiFunction(path, (context, args, site) => context.keras.callableOp(canonical, args, site))];
  if (canonical === 'keras.ops.convert_to_numpy')
    return [apiFunction(path, (context, args, site) => context.keras.convertToNumpy(args, site))];
  const rule = opRules[canonical];
  return rule ? [apiFunction(path, (context, args, site) => context.keras.operation(canonical, rule, args, site))] : [];
});
