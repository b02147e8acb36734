# Custom layers that define compute_output_shape next to a call made of plain ops, as KerasHub's and keras.io's
# layers do so that Keras can infer shapes without tracing: a learned feature crossing (DCN-style Cross layer), a
# layer splitting its input in two halves (two outputs, compute_output_shape returns a tuple), a GLU gate, and a
# layer that flattens all but the batch axis by reading its static input shape in compute_output_shape.
import keras
from keras import layers, ops


class Cross(layers.Layer):
    """x0 * (W x + b) + x, as in Deep & Cross Networks."""

    def build(self, input_shape):
        dim = input_shape[0][-1]
        self.dense = layers.Dense(dim)
        self.dense.build(input_shape[0])

    def call(self, inputs):
        x0, x = inputs
        return x0 * self.dense(x) + x

    def compute_output_shape(self, input_shape):
        return input_shape[0]


class SplitHalves(layers.Layer):
    def call(self, x):
        first, second = ops.split(x, 2, axis=-1)
        return first, second

    def compute_output_shape(self, input_shape):
        half = input_shape[-1] // 2
        shape = tuple(input_shape[:-1]) + (half,)
        return shape, shape


class GatedLinearUnit(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.linear = layers.Dense(units)
        self.sigmoid = layers.Dense(units, activation="sigmoid")

    def call(self, inputs):
        return self.linear(inputs) * self.sigmoid(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)


class FlattenFeatures(layers.Layer):
    def call(self, x):
        return ops.reshape(x, (ops.shape(x)[0], -1))

    def compute_output_shape(self, input_shape):
        size = 1
        for dim in input_shape[1:]:
            size *= dim
        return (input_shape[0], size)


inputs = keras.Input(shape=(6, 4), name="features")
x = FlattenFeatures()(inputs)
x0 = layers.Dense(12)(x)
x = Cross()([x0, x0])
x = Cross()([x0, x])
left, right = SplitHalves()(x)
left = GatedLinearUnit(8)(left)
right = GatedLinearUnit(8)(right)
merged = layers.Concatenate()([left, right])
outputs = layers.Dense(1, activation="sigmoid", name="score")(merged)
model = keras.Model(inputs, outputs, name="cross_network")
