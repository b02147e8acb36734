// Keras's GRU, including reset_after=True (the Keras 3 default), which the
// TensorFlow.js GRU refuses: the reset gate multiplies the recurrent product
// after the matmul, and the bias holds an input and a recurrent row, (2, 3·units).

import * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
type GruArgs = Parameters<typeof tf.layers.gru>[0] & { resetAfter?: boolean };

interface CellInternals {
  units: number;
  useBias: boolean;
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  recurrentActivation: { apply(x: tf.Tensor): tf.Tensor };
  kernelInitializer: unknown;
  recurrentInitializer: unknown;
  biasInitializer: unknown;
  addWeight(name: string, shape: number[], dtype: null, initializer: unknown): tf.LayerVariable;
  built: boolean;
}

// The classes tfjs-layers does not export by name, taken from instances.
const TfjsGRUCell = tf.layers.gruCell({ units: 1 }).constructor as new (args: GruArgs) => tf.layers.Layer;
const TfjsGRU = tf.layers.gru({ units: 1 }).constructor as new (args: GruArgs) => tf.layers.Layer;

class ResetAfterGRUCell extends TfjsGRUCell {
  static className = 'GRUCell';
  readonly resetAfter: boolean;

  constructor(args: GruArgs) {
    super({ ...args, resetAfter: false });
    this.resetAfter = args.resetAfter ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    if (!this.resetAfter) return super.build(inputShape);
    const self = this as unknown as CellInternals;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputDim = shape.at(-1)!;
    self.kernel = self.addWeight('kernel', [inputDim, self.units * 3], null, self.kernelInitializer);
    self.recurrentKernel = self.addWeight('recurrent_kernel', [self.units, self.units * 3], null, self.recurrentInitializer);
    self.bias = self.useBias ? self.addWeight('bias', [2, self.units * 3], null, self.biasInitializer) : null;
    self.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (!this.resetAfter) return super.call(inputs, kwargs);
    const self = this as unknown as CellInternals;
    return tf.tidy(() => {
      const [x, previous] = inputs as [tf.Tensor2D, tf.Tensor2D];
      const bias = self.bias?.read();
      let inputPart = tf.matMul(x, self.kernel.read() as tf.Tensor2D) as tf.Tensor;
      let recurrentPart = tf.matMul(previous, self.recurrentKernel.read() as tf.Tensor2D) as tf.Tensor;
      if (bias) {
        const [inputBias, recurrentBias] = tf.unstack(bias);
        inputPart = tf.add(inputPart, inputBias!);
        recurrentPart = tf.add(recurrentPart, recurrentBias!);
      }
      const [xz, xr, xh] = tf.split(inputPart, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [hz, hr, hh] = tf.split(recurrentPart, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const z = self.recurrentActivation.apply(tf.add(xz, hz));
      const r = self.recurrentActivation.apply(tf.add(xr, hr));
      const candidate = self.activation.apply(tf.add(xh, tf.mul(r, hh)));
      const h = tf.add(tf.mul(z, previous), tf.mul(tf.sub(1, z), candidate));
      return [h, h];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}

export class GRU extends TfjsGRU {
  static className = 'GRU';

  constructor(args: GruArgs) {
    super({ ...args, resetAfter: false });
    // The RNN machinery reads the cell at call time: swapping it keeps return_sequences, go_backwards, masking, state.
    (this as unknown as { cell: tf.layers.Layer }).cell = new ResetAfterGRUCell(args);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const cell = (this as unknown as { cell: ResetAfterGRUCell }).cell;
    return { ...super.getConfig(), resetAfter: cell.resetAfter };
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
