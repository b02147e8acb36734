// Kernels of the keras.ops that take Python callables, as the JAX backend runs them (jax.lax.map, scan, fori_loop,
// while_loop, cond, switch, associative_scan; jax.vmap; jnp.vectorize): each runs the function bodies the analysis
// traced (graph/function-body.ts) once per iteration, each iteration in its own tf.tidy.

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';

/** A loop that runs longer than this is stopped: the evaluation's time limit would stop it later, with less to say. */
const maxIterations = 1_000_000;

/** The function given for `name`, run on `args` in a scope of its own: only its results outlive it. */
function run(call: KernelCall, name: string, args: readonly tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => call.runFunction(call.value(name), args));
}

/** Each output of the iterations stacked along a new axis 0. */
function stackOutputs(call: KernelCall, iterations: readonly tf.Tensor[][], count: number, offset = 0): tf.Tensor[] {
  return Array.from({ length: count }, (_, k) => {
    if (iterations.length > 0) return tf.stack(iterations.map((outputs) => outputs[k]!));
    const shape = call.call.outputs[offset + k]!.shape;
    if (shape.some((d) => d === null)) throw new Error(`${call.path} of zero iterations has outputs of sizes not known`);
    return tf.zeros(shape as number[]);
  });
}

/** jax.lax.map and jax.vmap: the function on each slice along axis 0 of every input, the results stacked. */
function mapKernel(fnName: string, xsName: string): Kernel {
  return (call) => {
    const xs = call.leaves(xsName);
    const slices = xs.map((x) => tf.unstack(x));
    const n = xs[0]!.shape[0]!;
    const iterations = Array.from({ length: n }, (_, i) =>
      run(
        call,
        fnName,
        slices.map((s) => s[i]!),
      ),
    );
    return stackOutputs(call, iterations, call.call.outputs.length);
  };
}

/** jax.lax.scan: the carry through f over the slices of xs (in reverse order when asked), f's other outputs stacked in place. */
const scan: Kernel = (call) => {
  let carry = call.leaves('init');
  const xs = call.value('xs') === null ? [] : call.leaves('xs');
  const length = call.value('length');
  const n = typeof length === 'number' ? length : xs[0]!.shape[0]!;
  const slices = xs.map((x) => tf.unstack(x));
  const carried = call.number('carry');
  const ys: tf.Tensor[][] = new Array<tf.Tensor[]>(n);
  const order = Array.from({ length: n }, (_, i) => (call.value('reverse') === true ? n - 1 - i : i));
  for (const t of order) {
    const outputs = run(call, 'f', [...carry, ...slices.map((s) => s[t]!)]);
    carry = outputs.slice(0, carried);
    ys[t] = outputs.slice(carried);
  }
  return [...carry, ...stackOutputs(call, ys, call.call.outputs.length - carried, carried)];
};

/** jax.lax.associative_scan, folded in order: result k is f(result k-1, elem k) on slices of size 1 along the axis. */
const associativeScan: Kernel = (call) => {
  const axis = call.number('axis');
  const elems = call.leaves('elems');
  const reverse = call.value('reverse') === true;
  const along = (t: tf.Tensor): number => (axis < 0 ? t.rank + axis : axis);
  const slices = elems.map((e) => {
    const parts = tf.split(e, e.shape[along(e)]!, along(e));
    return reverse ? parts.reverse() : parts;
  });
  const n = slices[0]!.length;
  const results: tf.Tensor[][] = [];
  let acc = slices.map((s) => s[0]!);
  results.push(acc);
  for (let k = 1; k < n; k++) {
    acc = run(call, 'f', [...acc, ...slices.map((s) => s[k]!)]);
    results.push(acc);
  }
  if (reverse) results.reverse();
  return elems.map((e, j) =>
    tf.concat(
      results.map((r) => r[j]!),
      along(e),
    ),
  );
};

/** The loop's state replaced by the next, the previous one released unless the next or the op's inputs still hold it. */
function advance(previous: readonly tf.Tensor[], next: readonly tf.Tensor[], inputs: readonly tf.Tensor[]): void {
  for (const t of previous) if (!next.includes(t) && !inputs.includes(t)) t.dispose();
}

/** jax.lax.fori_loop: the state through body_fun(i, state) for i from lower up to upper. */
const foriLoop: Kernel = (call) => {
  const init = call.leaves('init_val');
  let state = init;
  const lower = call.scalar('lower');
  const upper = call.scalar('upper');
  if (upper - lower > maxIterations) throw new Error(`${call.path} runs ${upper - lower} iterations, more than ${maxIterations} evaluated`);
  for (let i = lower; i < upper; i++) {
    const index = tf.scalar(i, 'int32');
    const next = run(call, 'body_fun', [index, ...state]);
    index.dispose();
    advance(state, next, init);
    state = next;
  }
  return state;
};

/** jax.lax.while_loop: the state through body while cond holds, and at most maximum_iterations times when given. */
const whileLoop: Kernel = (call) => {
  const init = call.leaves('loop_vars');
  let state = init;
  const maximum = call.value('maximum_iterations');
  for (let iterations = 0; typeof maximum !== 'number' || iterations < maximum; iterations++) {
    if (iterations >= maxIterations) throw new Error(`${call.path} ran ${maxIterations} iterations without its condition ending it`);
    const [condition] = run(call, 'cond', state);
    const holds = condition!.dataSync()[0] !== 0;
    condition!.dispose();
    if (!holds) break;
    const next = run(call, 'body', state);
    advance(state, next, init);
    state = next;
  }
  return state;
};

/** jax.lax.cond: the function pred picks, alone. */
const cond: Kernel = (call) => run(call, call.scalar('pred') !== 0 ? 'true_fn' : 'false_fn', []);

/** jax.lax.switch: the branch the index picks, clamped to the branches there are, on the operands. */
const switchKernel: Kernel = (call) => {
  const branches = call.value('branches');
  if (!Array.isArray(branches)) throw new Error(`${call.path}: its branches are not evaluated`);
  const index = Math.min(Math.max(Math.trunc(call.scalar('index')), 0), branches.length - 1);
  return tf.tidy(() => call.runFunction(branches[index], call.leaves('operands')));
};

/** jnp.vectorize without a signature: the arguments broadcast, the function run on each element's scalars. */
const vectorize: Kernel = (call) => {
  const args = call.leaves('args');
  const shape = args.map((a) => a.shape).reduce((a, b) => tf.broadcast_util.assertAndGetBroadcastShape(a, b));
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > 65_536) throw new Error(`${call.path} over ${size} elements is not evaluated: it runs its function once an element`);
  const flat = args.map((a) => tf.unstack(tf.reshape(tf.broadcastTo(a, shape), [size])));
  const results = Array.from({ length: size }, (_, i) =>
    run(
      call,
      'pyfunc',
      flat.map((f) => f[i]!),
    ),
  );
  return call.call.outputs.map((_, k) => tf.reshape(results.length > 0 ? tf.stack(results.map((r) => r[k]!)) : tf.zeros([0]), shape));
};

export const controlFlowKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.map': mapKernel('f', 'xs'),
  'keras.ops.vectorized_map': mapKernel('function', 'elements'),
  'keras.ops.scan': scan,
  'keras.ops.associative_scan': associativeScan,
  'keras.ops.fori_loop': foriLoop,
  'keras.ops.while_loop': whileLoop,
  'keras.ops.cond': cond,
  'keras.ops.switch': switchKernel,
  'keras.ops.vectorize': vectorize,
};
