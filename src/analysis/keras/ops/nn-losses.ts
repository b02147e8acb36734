// keras.ops of the nn family that compare a target with an output: the crossentropies, ctc_loss, ctc_decode and psnr,
// as their compute_output_spec gives them (keras/src/ops/nn.py).

import { formatShape, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, type OpCall, type Operand, type OpRule } from './op-rule.js';
import { canonicalizeAxis, pyIndex, shapeOfArgument, shapesDiffer, sizeValue, symbolicOperand } from './nn-util.js';
import { resultType } from './signatures.js';

/** Keras's `result_type(dtype, "float32")`. */
function withFloat32(dtype: string, call: OpCall): string {
  const promoted = resultType({ shape: [], dtype }, { shape: [], dtype: 'float32' });
  if (promoted === undefined) throw new OpNotKnown(`the dtype of ${call.path} on a ${dtype} tensor is not known`);
  return promoted;
}

function targetAndOutput(call: OpCall): [Operand, Operand] {
  return [symbolicOperand(call, 'target'), symbolicOperand(call, 'output')];
}

function checkSameShape(target: Shape, output: Shape): void {
  if (shapesDiffer(target, output, 'the shapes of `target` and `output`')) {
    throw new LayerError(
      `Arguments \`target\` and \`output\` must have the same shape. Received: target.shape=${formatShape(target)}, output.shape=${formatShape(output)}`,
    );
  }
}

const binaryCrossentropy: OpRule = {
  compute(call) {
    const [target, output] = targetAndOutput(call);
    checkSameShape(target.shape, output.shape);
    return { shape: output.shape, dtype: output.dtype };
  },
};

/** The class axis is the last one, whatever `axis` says: compute_output_spec drops `output.shape[-1]`. */
const categoricalCrossentropy: OpRule = {
  compute(call) {
    const [target, output] = targetAndOutput(call);
    checkSameShape(target.shape, output.shape);
    if (target.shape.length < 1) {
      throw new LayerError(
        `Arguments \`target\` and \`output\` must be at least rank 1. Received: target.shape=${formatShape(target.shape)}, output.shape=${formatShape(output.shape)}`,
      );
    }
    return { shape: output.shape.slice(0, -1), dtype: output.dtype };
  },
};

/** The target holds class indices: the output's shape without its class axis (a trailing 1 of the target ignored). */
const sparseCategoricalCrossentropy: OpRule = {
  compute(call) {
    const [target, output] = targetAndOutput(call);
    if (output.shape.length < 1) {
      throw new LayerError(`Argument \`output\` must be at least rank 1. Received: output.shape=${formatShape(output.shape)}`);
    }
    const axis = canonicalizeAxis(argument(call, 'axis'), output.shape.length);
    let targetShape = target.shape;
    if (targetShape.length === output.shape.length) {
      const last = targetShape.at(-1)!;
      if (last !== null && typeof last === 'object') throw new OpNotKnown('a last target size known only at run time is not analysed');
      if (last === 1) targetShape = targetShape.slice(0, -1);
    }
    const withoutClass = [...output.shape.slice(0, axis), ...output.shape.slice(axis + 1)];
    if (shapesDiffer(targetShape, withoutClass, 'the shapes of `target` and `output`')) {
      throw new LayerError(
        `Arguments \`target\` and \`output\` must have the same shape up until the last dimension: target.shape=${formatShape(target.shape)}, output.shape=${formatShape(output.shape)}`,
      );
    }
    return { shape: withoutClass, dtype: output.dtype };
  },
};

function checkFirstDims(names: [string, string], a: Shape, b: Shape): void {
  if (shapesDiffer([pyIndex(a, 0)], [pyIndex(b, 0)], `the first sizes of \`${names[0]}\` and \`${names[1]}\``)) {
    throw new LayerError(
      `Arguments \`${names[0]}\` and \`${names[1]}\` must have the same first dimension. Received shapes: \`${formatShape(a)}\` and \`${formatShape(b)}\`.`,
    );
  }
}

const ctcLoss: OpRule = {
  compute(call) {
    const [target, output] = targetAndOutput(call);
    checkFirstDims(['target', 'output'], target.shape, output.shape);
    checkFirstDims(['target_length', 'target'], shapeOfArgument(call, 'target_length'), target.shape);
    checkFirstDims(['output_length', 'output'], shapeOfArgument(call, 'output_length'), output.shape);
    return { shape: [pyIndex(target.shape, 0)], dtype: withFloat32(output.dtype, call) };
  },
};

/** The decoded paths (top_paths, batch, time) as int32 and their scores (batch, top_paths); greedy has one path. */
const ctcDecode: OpRule = {
  compute(call) {
    const inputs = symbolicOperand(call, 'inputs');
    const paths = argument(call, 'strategy') === 'greedy' ? 1 : sizeValue(argument(call, 'top_paths'), 'top_paths');
    const [batch, time] = [pyIndex(inputs.shape, 0), pyIndex(inputs.shape, 1)];
    return {
      tuple: [
        { shape: [paths, batch, time], dtype: 'int32' },
        { shape: [batch, paths], dtype: withFloat32(inputs.dtype, call) },
      ],
    };
  },
};

/** A scalar float32 (compute_output_spec gives KerasTensor's default dtype). */
const psnr: OpRule = {
  compute(call) {
    const [x1, x2] = [symbolicOperand(call, 'x1'), symbolicOperand(call, 'x2')];
    if (x1.shape.length !== x2.shape.length) throw new LayerError('Inputs must have the same rank');
    return { shape: [], dtype: 'float32' };
  },
};

export const lossOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.binary_crossentropy': binaryCrossentropy,
  'keras.ops.categorical_crossentropy': categoricalCrossentropy,
  'keras.ops.sparse_categorical_crossentropy': sparseCategoricalCrossentropy,
  'keras.ops.ctc_loss': ctcLoss,
  'keras.ops.ctc_decode': ctcDecode,
  'keras.ops.psnr': psnr,
};
