// One case per layer variant: a layer expression as a user writes it, the input
// shape(s) without the batch axis, and the output shape and parameter count as
// Keras's documented formulas give them (the arithmetic is written out).
// test/unit/layers.test.ts runs them through the analysis;
// scripts/check-layer-table.py runs the same cases through real Keras.

export interface LayerCase {
  readonly layer: string;
  /** Input shapes without the batch axis; several for merge layers. */
  readonly inputs: readonly (readonly (number | null)[])[];
  /** Output shape with the batch axis (null = None); several for multi-output layers. */
  readonly output: readonly (number | null)[] | readonly (readonly (number | null)[])[];
  readonly params: number;
  /** Of `params`, the non-trainable weights (Keras's `layer.non_trainable_weights`); 0 when not given. */
  readonly nonTrainableParams?: number;
  /**
   * The same layer made with `trainable=False`, in a model: the weights the model still counts trainable (those of
   * sublayers that do not take the flag: Bidirectional's copies, TimeDistributed's layer); 0 when not given.
   */
  readonly frozenTrainableParams?: number;
  /** Integer inputs (Embedding). */
  readonly dtype?: string;
}

/** Output length of a convolution or pooling window: padding 'valid' or 'same'. */
const valid = (n: number, k: number, s = 1, d = 1): number => Math.floor((n - (d * (k - 1) + 1)) / s) + 1;
const same = (n: number, s = 1): number => Math.ceil(n / s);

export const layerCases: readonly LayerCase[] = [
  // Core
  { layer: 'Dense(16)', inputs: [[8]], output: [null, 16], params: 8 * 16 + 16 },
  { layer: 'Dense(4, use_bias=False)', inputs: [[5, 8]], output: [null, 5, 4], params: 8 * 4 },
  { layer: 'Embedding(1000, 64)', inputs: [[20]], output: [null, 20, 64], params: 1000 * 64, dtype: 'int32' },
  // LoRA: A (kernel's shape, last axis rank) and B (rank, last axis) on top of the kernel.
  // LoRA freezes the kernel (the embeddings): it is the non-trainable part.
  {
    layer: 'Dense(16, lora_rank=2)',
    inputs: [[8]],
    output: [null, 16],
    params: 8 * 16 + 16 + 8 * 2 + 2 * 16,
    nonTrainableParams: 8 * 16,
  },
  {
    layer: 'Embedding(100, 8, lora_rank=4)',
    inputs: [[5]],
    output: [null, 5, 8],
    params: 100 * 8 + 100 * 4 + 4 * 8,
    nonTrainableParams: 100 * 8,
    dtype: 'int32',
  },
  // Conv2D takes lora_rank through **kwargs (BaseConv's parameter).
  {
    layer: 'Conv2D(4, 3, lora_rank=2)',
    inputs: [[6, 6, 3]],
    output: [null, 4, 4, 4],
    params: 3 * 3 * 3 * 4 + 4 + 3 * 3 * 3 * 2 + 2 * 4,
    nonTrainableParams: 3 * 3 * 3 * 4,
  },
  { layer: 'Activation("relu")', inputs: [[7, 3]], output: [null, 7, 3], params: 0 },
  { layer: 'Identity()', inputs: [[7]], output: [null, 7], params: 0 },
  // Convolutions
  { layer: 'Conv1D(8, 3)', inputs: [[20, 4]], output: [null, valid(20, 3), 8], params: 3 * 4 * 8 + 8 },
  { layer: 'Conv1D(8, 5, strides=2, padding="same")', inputs: [[21, 4]], output: [null, same(21, 2), 8], params: 5 * 4 * 8 + 8 },
  { layer: 'Conv1D(8, 3, padding="causal", dilation_rate=2)', inputs: [[20, 4]], output: [null, 20, 8], params: 3 * 4 * 8 + 8 },
  { layer: 'Conv2D(32, 3)', inputs: [[32, 32, 3]], output: [null, valid(32, 3), valid(32, 3), 32], params: 3 * 3 * 3 * 32 + 32 },
  {
    layer: 'Conv2D(16, (3, 5), strides=(2, 1), padding="same")',
    inputs: [[31, 20, 3]],
    output: [null, same(31, 2), same(20, 1), 16],
    params: 3 * 5 * 3 * 16 + 16,
  },
  {
    layer: 'Conv2D(8, 3, dilation_rate=2)',
    inputs: [[16, 16, 3]],
    output: [null, valid(16, 3, 1, 2), valid(16, 3, 1, 2), 8],
    params: 3 * 3 * 3 * 8 + 8,
  },
  {
    layer: 'Conv2D(8, 3, strides=2, use_bias=False)',
    inputs: [[17, 17, 4]],
    output: [null, valid(17, 3, 2), valid(17, 3, 2), 8],
    params: 3 * 3 * 4 * 8,
  },
  {
    layer: 'Conv2D(8, 3, data_format="channels_first")',
    inputs: [[3, 16, 16]],
    output: [null, 8, valid(16, 3), valid(16, 3)],
    params: 3 * 3 * 3 * 8 + 8,
  },
  {
    layer: 'Conv2D(8, 3, groups=2)',
    inputs: [[10, 10, 4]],
    output: [null, valid(10, 3), valid(10, 3), 8],
    params: 3 * 3 * (4 / 2) * 8 + 8,
  },
  {
    layer: 'Conv3D(4, 3)',
    inputs: [[8, 8, 8, 2]],
    output: [null, valid(8, 3), valid(8, 3), valid(8, 3), 4],
    params: 3 * 3 * 3 * 2 * 4 + 4,
  },
  { layer: 'Conv1DTranspose(6, 3, strides=2)', inputs: [[10, 4]], output: [null, 10 * 2 + Math.max(3 - 2, 0), 6], params: 3 * 6 * 4 + 6 },
  {
    layer: 'Conv2DTranspose(16, 3, strides=2, padding="same")',
    inputs: [[8, 8, 32]],
    output: [null, 8 * 2, 8 * 2, 16],
    params: 3 * 3 * 16 * 32 + 16,
  },
  {
    layer: 'Conv2DTranspose(16, 4, strides=2)',
    inputs: [[8, 8, 32]],
    output: [null, 8 * 2 + (4 - 2), 8 * 2 + (4 - 2), 16],
    params: 4 * 4 * 16 * 32 + 16,
  },
  {
    layer: 'DepthwiseConv2D(3, depth_multiplier=2)',
    inputs: [[10, 10, 4]],
    output: [null, valid(10, 3), valid(10, 3), 4 * 2],
    params: 3 * 3 * 4 * 2 + 4 * 2,
  },
  {
    layer: 'DepthwiseConv2D(3, strides=2, padding="same")',
    inputs: [[9, 9, 6]],
    output: [null, same(9, 2), same(9, 2), 6],
    params: 3 * 3 * 6 + 6,
  },
  { layer: 'SeparableConv1D(8, 3)', inputs: [[12, 4]], output: [null, valid(12, 3), 8], params: 3 * 4 + 4 * 8 + 8 },
  {
    layer: 'SeparableConv2D(16, 3, padding="same", depth_multiplier=2)',
    inputs: [[10, 10, 4]],
    output: [null, 10, 10, 16],
    params: 3 * 3 * 4 * 2 + 4 * 2 * 16 + 16,
  },
  // Pooling
  { layer: 'MaxPooling1D()', inputs: [[11, 3]], output: [null, valid(11, 2, 2), 3], params: 0 },
  { layer: 'MaxPooling2D()', inputs: [[15, 16, 3]], output: [null, valid(15, 2, 2), valid(16, 2, 2), 3], params: 0 },
  { layer: 'MaxPooling2D(3, strides=2, padding="same")', inputs: [[15, 16, 3]], output: [null, same(15, 2), same(16, 2), 3], params: 0 },
  { layer: 'MaxPooling3D(2)', inputs: [[8, 9, 10, 1]], output: [null, valid(8, 2, 2), valid(9, 2, 2), valid(10, 2, 2), 1], params: 0 },
  { layer: 'AveragePooling1D(3, strides=1)', inputs: [[10, 2]], output: [null, valid(10, 3, 1), 2], params: 0 },
  {
    layer: 'AveragePooling2D(2, data_format="channels_first")',
    inputs: [[3, 10, 12]],
    output: [null, 3, valid(10, 2, 2), valid(12, 2, 2)],
    params: 0,
  },
  {
    layer: 'AveragePooling3D(2, padding="same")',
    inputs: [[5, 5, 5, 2]],
    output: [null, same(5, 2), same(5, 2), same(5, 2), 2],
    params: 0,
  },
  { layer: 'GlobalAveragePooling1D()', inputs: [[10, 6]], output: [null, 6], params: 0 },
  { layer: 'GlobalAveragePooling2D()', inputs: [[7, 7, 512]], output: [null, 512], params: 0 },
  { layer: 'GlobalAveragePooling2D(keepdims=True)', inputs: [[7, 7, 8]], output: [null, 1, 1, 8], params: 0 },
  { layer: 'GlobalAveragePooling3D()', inputs: [[4, 4, 4, 5]], output: [null, 5], params: 0 },
  { layer: 'GlobalMaxPooling1D()', inputs: [[10, 6]], output: [null, 6], params: 0 },
  { layer: 'GlobalMaxPooling2D(data_format="channels_first")', inputs: [[6, 7, 7]], output: [null, 6], params: 0 },
  { layer: 'GlobalMaxPooling3D()', inputs: [[4, 4, 4, 5]], output: [null, 5], params: 0 },
  // Reshaping
  { layer: 'Flatten()', inputs: [[7, 7, 64]], output: [null, 7 * 7 * 64], params: 0 },
  { layer: 'Reshape((4, -1))', inputs: [[6, 8]], output: [null, 4, (6 * 8) / 4], params: 0 },
  { layer: 'Permute((2, 1))', inputs: [[5, 3]], output: [null, 3, 5], params: 0 },
  { layer: 'RepeatVector(4)', inputs: [[6]], output: [null, 4, 6], params: 0 },
  { layer: 'ZeroPadding1D(2)', inputs: [[10, 3]], output: [null, 10 + 2 + 2, 3], params: 0 },
  { layer: 'ZeroPadding2D(((1, 2), (3, 4)))', inputs: [[10, 10, 3]], output: [null, 10 + 1 + 2, 10 + 3 + 4, 3], params: 0 },
  { layer: 'ZeroPadding3D(1)', inputs: [[4, 4, 4, 2]], output: [null, 6, 6, 6, 2], params: 0 },
  { layer: 'Cropping1D((1, 2))', inputs: [[10, 3]], output: [null, 10 - 1 - 2, 3], params: 0 },
  { layer: 'Cropping2D(((2, 2), (4, 4)))', inputs: [[28, 28, 3]], output: [null, 28 - 4, 28 - 8, 3], params: 0 },
  { layer: 'Cropping3D(1)', inputs: [[6, 6, 6, 1]], output: [null, 4, 4, 4, 1], params: 0 },
  { layer: 'UpSampling1D(3)', inputs: [[5, 2]], output: [null, 5 * 3, 2], params: 0 },
  { layer: 'UpSampling2D((2, 3))', inputs: [[5, 6, 2]], output: [null, 5 * 2, 6 * 3, 2], params: 0 },
  { layer: 'UpSampling3D(2)', inputs: [[2, 3, 4, 1]], output: [null, 4, 6, 8, 1], params: 0 },
  // Regularisation
  { layer: 'Dropout(0.5)', inputs: [[10]], output: [null, 10], params: 0 },
  { layer: 'SpatialDropout1D(0.2)', inputs: [[10, 4]], output: [null, 10, 4], params: 0 },
  { layer: 'SpatialDropout2D(0.2)', inputs: [[8, 8, 4]], output: [null, 8, 8, 4], params: 0 },
  { layer: 'SpatialDropout3D(0.2)', inputs: [[4, 4, 4, 2]], output: [null, 4, 4, 4, 2], params: 0 },
  { layer: 'GaussianNoise(0.1)', inputs: [[10]], output: [null, 10], params: 0 },
  { layer: 'GaussianDropout(0.1)', inputs: [[10]], output: [null, 10], params: 0 },
  { layer: 'AlphaDropout(0.1)', inputs: [[10]], output: [null, 10], params: 0 },
  { layer: 'ActivityRegularization(l1=0.01)', inputs: [[10]], output: [null, 10], params: 0 },
  // Normalisation
  // The moving mean and variance are non-trainable.
  { layer: 'BatchNormalization()', inputs: [[8, 8, 16]], output: [null, 8, 8, 16], params: 4 * 16, nonTrainableParams: 2 * 16 },
  {
    layer: 'BatchNormalization(axis=1, center=False)',
    inputs: [[6, 5]],
    output: [null, 6, 5],
    params: 3 * 6,
    nonTrainableParams: 2 * 6,
  },
  { layer: 'LayerNormalization()', inputs: [[10, 32]], output: [null, 10, 32], params: 2 * 32 },
  { layer: 'LayerNormalization(scale=False)', inputs: [[10, 32]], output: [null, 10, 32], params: 32 },
  // renorm adds moving_stddev, renorm_mean and renorm_stddev; rms_scaling (through **kwargs) keeps gamma only.
  { layer: 'BatchNormalization(renorm=True)', inputs: [[6]], output: [null, 6], params: 7 * 6, nonTrainableParams: 5 * 6 },
  { layer: 'LayerNormalization(rms_scaling=True)', inputs: [[10, 32]], output: [null, 10, 32], params: 32 },
  // Activations
  { layer: 'ReLU(max_value=6.0)', inputs: [[4, 4, 3]], output: [null, 4, 4, 3], params: 0 },
  { layer: 'LeakyReLU(negative_slope=0.2)', inputs: [[10]], output: [null, 10], params: 0 },
  { layer: 'PReLU()', inputs: [[5, 5, 3]], output: [null, 5, 5, 3], params: 5 * 5 * 3 },
  { layer: 'PReLU(shared_axes=[1, 2])', inputs: [[5, 5, 3]], output: [null, 5, 5, 3], params: 3 },
  { layer: 'ELU()', inputs: [[10]], output: [null, 10], params: 0 },
  { layer: 'Softmax(axis=-1)', inputs: [[10]], output: [null, 10], params: 0 },
  // Recurrent: weights kernel (input×g·units), recurrent (units×g·units), bias (g·units); g = 1, 4, 3 gates
  { layer: 'SimpleRNN(8)', inputs: [[10, 4]], output: [null, 8], params: 4 * 8 + 8 * 8 + 8 },
  { layer: 'SimpleRNN(8, return_sequences=True)', inputs: [[10, 4]], output: [null, 10, 8], params: 4 * 8 + 8 * 8 + 8 },
  { layer: 'LSTM(16)', inputs: [[10, 8]], output: [null, 16], params: 4 * (8 * 16 + 16 * 16 + 16) },
  {
    layer: 'LSTM(16, return_sequences=True, return_state=True)',
    inputs: [[10, 8]],
    output: [
      [null, 10, 16],
      [null, 16],
      [null, 16],
    ],
    params: 4 * (8 * 16 + 16 * 16 + 16),
  },
  // GRU with reset_after=True (the default) has two biases per gate.
  { layer: 'GRU(12)', inputs: [[10, 8]], output: [null, 12], params: 3 * (8 * 12 + 12 * 12 + 2 * 12) },
  {
    layer: 'GRU(12, reset_after=False, return_state=True)',
    inputs: [[10, 8]],
    output: [
      [null, 12],
      [null, 12],
    ],
    params: 3 * (8 * 12 + 12 * 12 + 12),
  },
  // A wrapper made with trainable=False leaves the layers it wraps trainable: a model holding it trains them.
  {
    layer: 'Bidirectional(LSTM(16))',
    inputs: [[10, 8]],
    output: [null, 2 * 16],
    params: 2 * 4 * (8 * 16 + 16 * 16 + 16),
    frozenTrainableParams: 2 * 4 * (8 * 16 + 16 * 16 + 16),
  },
  {
    layer: 'Bidirectional(GRU(8, return_sequences=True), merge_mode="sum")',
    inputs: [[10, 4]],
    output: [null, 10, 8],
    params: 2 * 3 * (4 * 8 + 8 * 8 + 2 * 8),
    frozenTrainableParams: 2 * 3 * (4 * 8 + 8 * 8 + 2 * 8),
  },
  { layer: 'TimeDistributed(Dense(5))', inputs: [[10, 8]], output: [null, 10, 5], params: 8 * 5 + 5, frozenTrainableParams: 8 * 5 + 5 },
  {
    layer: 'TimeDistributed(Conv2D(4, 3))',
    inputs: [[6, 10, 10, 3]],
    output: [null, 6, valid(10, 3), valid(10, 3), 4],
    params: 3 * 3 * 3 * 4 + 4,
    frozenTrainableParams: 3 * 3 * 3 * 4 + 4,
  },
  // Merging
  { layer: 'Add()', inputs: [[8], [8]], output: [null, 8], params: 0 },
  {
    layer: 'Add()',
    inputs: [
      [4, 1],
      [4, 6],
    ],
    output: [null, 4, 6],
    params: 0,
  },
  { layer: 'Subtract()', inputs: [[8], [8]], output: [null, 8], params: 0 },
  {
    layer: 'Multiply()',
    inputs: [
      [3, 8],
      [3, 8],
      [3, 8],
    ],
    output: [null, 3, 8],
    params: 0,
  },
  { layer: 'Average()', inputs: [[8], [8]], output: [null, 8], params: 0 },
  { layer: 'Maximum()', inputs: [[8], [8]], output: [null, 8], params: 0 },
  { layer: 'Minimum()', inputs: [[8], [8]], output: [null, 8], params: 0 },
  {
    layer: 'Concatenate()',
    inputs: [
      [4, 5],
      [4, 3],
    ],
    output: [null, 4, 5 + 3],
    params: 0,
  },
  {
    layer: 'Concatenate(axis=1)',
    inputs: [
      [4, 5],
      [2, 5],
    ],
    output: [null, 4 + 2, 5],
    params: 0,
  },
  { layer: 'Dot(axes=1)', inputs: [[8], [8]], output: [null, 1], params: 0 },
  {
    layer: 'Dot(axes=(2, 2))',
    inputs: [
      [3, 8],
      [5, 8],
    ],
    output: [null, 3, 5],
    params: 0,
  },
  // Preprocessing
  { layer: 'Rescaling(1.0 / 255)', inputs: [[32, 32, 3]], output: [null, 32, 32, 3], params: 0 },
  { layer: 'Resizing(64, 48)', inputs: [[32, 32, 3]], output: [null, 64, 48, 3], params: 0 },
  // Keras's compute_output_shape sets axes 0 and 1 of an input that is not rank 4: the batch axis too.
  { layer: 'Resizing(7, 8)', inputs: [[3, 4, 5, 6]], output: [7, 8, 4, 5, 6], params: 0 },
  { layer: 'RandomFlip(data_format="channels_first")', inputs: [[3, 8, 8]], output: [null, 3, 8, 8], params: 0 },
];
