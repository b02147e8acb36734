// The global dtype policy (keras.config.set_dtype_policy, keras.mixed_precision.set_global_policy), DTypePolicy objects
// and set_floatx. Every layer class under a policy is checked mechanically by test/conformance/layer-policies.test.ts;
// here, what that cannot reach: subclassed layers (autocast of their inputs and variables), the order of statements,
// and the errors. The expected dtypes and messages are what Keras 3.15.1 (jax) printed for these sources.

import assert from 'node:assert/strict';
import { analyze, dtypeOf, messages, shapeOf } from './helpers/analysis.js';

const scaleLayer = `import keras
from keras import layers, ops

class Scale(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        self.step = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False)

    def call(self, x):
        return x * self.w + ops.cast(self.step, x.dtype), self.w[0]
`;

describe('dtype policies', () => {
  it('layers made after set_global_policy compute in its dtype; inputs, earlier layers and dtype= keep theirs', async () => {
    const analysis = await analyze(`${scaleLayer}
before = layers.Dense(2)
keras.mixed_precision.set_global_policy("mixed_float16")
inputs = keras.Input((4,))
dense = layers.Dense(3)(inputs)
early = before(inputs)
kept = layers.Dense(3, dtype=keras.DTypePolicy("float32"))(dense)
pooled = layers.GlobalAveragePooling1D()(layers.Reshape((2, 2))(inputs))
`);
    const names = ['inputs', 'dense', 'early', 'kept', 'pooled'];
    assert.deepEqual(
      names.map((n) => dtypeOf(analysis, n)),
      ['float32', 'float16', 'float32', 'float32', 'float16'],
    );
    assert.deepEqual(messages(analysis), []);
  });

  it("a subclassed layer casts its float inputs to the policy's compute dtype and reads its float variables in it", async () => {
    const analysis = await analyze(`${scaleLayer}
keras.mixed_precision.set_global_policy("mixed_float16")
inputs = keras.Input((4,))
scaled, first = Scale()(layers.Dense(3)(inputs))
plain = Scale(dtype="float32")(inputs)[0]
raw = Scale(autocast=False)(inputs)[0]
keras.config.set_dtype_policy("float16")
half = Scale()(inputs)[1]
`);
    // autocast=False keeps x float32, but the mixed policy still reads w as float16: float32 * float16 is float32.
    assert.deepEqual(
      ['scaled', 'first', 'plain', 'raw', 'half'].map((n) => dtypeOf(analysis, n)),
      ['float16', 'float16', 'float32', 'float32', 'float16'],
    );
    assert.equal(shapeOf(analysis, 'scaled'), '(None, 3)');
  });

  it('a float32 layer inside a mixed one reads its own variables in float32 (its own AutocastScope)', async () => {
    const analysis = await analyze(`${scaleLayer}
keras.config.set_dtype_policy("mixed_float16")

class Outer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = Scale(dtype="float32")

    def call(self, x):
        return self.inner(x)[0] + ops.cast(self.inner.w, "float32")

out = Outer()(keras.Input((4,)))
`);
    assert.equal(dtypeOf(analysis, 'out'), 'float32');
  });

  it("raises Keras's errors for a policy it cannot read, and leaves the policy as it was", async () => {
    const analysis = await analyze(`import keras
keras.mixed_precision.set_global_policy("float17")
keras.config.set_dtype_policy(3)
policy = keras.DTypePolicy(3)
x = keras.layers.Dense(2)(keras.Input((4,)))
`);
    assert.deepEqual(messages(analysis, 'error'), [
      "Cannot convert 'float17' to a mixed precision DTypePolicy. Valid policies include 'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as 'float32'.",
      "Invalid `policy` argument. Expected the string name of a policy (such as 'mixed_float16') or a `DTypePolicy` instance. Received: policy=3 (of type <class 'int'>)",
      "'name' must be a string, such as 'mixed_float16'. Received: name=3 (of type <class 'int'>)",
    ]);
    assert.equal(dtypeOf(analysis, 'x'), 'float32');
  });

  it('a policy set from a value not known makes the layers after it unknown, with the reason', async () => {
    const analysis = await analyze(`import keras
import sys
keras.config.set_dtype_policy(sys.argv[1])
x = keras.layers.Dense(2)(keras.Input((4,)))
`);
    assert.match(shapeOf(analysis, 'x'), /^unknown: Dense 'dense' depends on `dtype`, which is not known/);
  });

  it('set_floatx to another dtype than float32 is not modelled: what comes after it is unknown, and the user is told', async () => {
    const analysis = await analyze(`import keras
keras.config.set_floatx("float64")
x = keras.Input((4,))
keras.backend.set_floatx("float32")
y = keras.layers.Dense(2)(keras.Input((4,)))
keras.config.set_floatx("int8")
`);
    assert.match(shapeOf(analysis, 'x'), /^unknown: keras.config.set_floatx\('float64'\) changes the default dtype/);
    assert.equal(dtypeOf(analysis, 'y'), 'float32');
    assert.deepEqual(messages(analysis, 'information'), [
      "keras.config.set_floatx('float64') changes the default dtype of inputs, layers and ops, which Tensor Lens does not model: the tensors made after it are not analysed.",
    ]);
    assert.deepEqual(messages(analysis, 'error'), [
      "Unknown `floatx` value: int8. Expected one of {'bfloat16', 'float16', 'float32', 'float64'}",
    ]);
  });
});
