# Residual blocks with a learnable scale, in a keras.Sequential: a ConvBN sub-block (Conv2D, BatchNormalization,
# activation), a residual stage whose sub-blocks are built in __init__ by a for loop and kept in a list, and a
# LayerScale-style layer with a trainable per-channel gamma, a trainable scalar and a non-trainable running mean
# of its input's magnitude (updated in call only when training).
import keras
from keras import layers, ops


class ConvBN(layers.Layer):
    def __init__(self, filters, kernel_size=3, strides=1, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)
        self.bn = layers.BatchNormalization(momentum=0.9)
        self.activation = keras.activations.get(activation)

    def call(self, x, training=None):
        return self.activation(self.bn(self.conv(x), training=training))


class ResidualScale(layers.Layer):
    def __init__(self, init_value=0.1, momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        self.init_value = init_value
        self.momentum = momentum

    def build(self, input_shape):
        channels = input_shape[-1]
        self.gamma = self.add_weight(
            name="gamma",
            shape=(channels,),
            initializer=keras.initializers.Constant(self.init_value),
            trainable=True,
        )
        self.alpha = self.add_weight(name="alpha", shape=(), initializer="ones", trainable=True)
        self.moving_magnitude = self.add_weight(
            name="moving_magnitude", shape=(channels,), initializer="zeros", trainable=False
        )

    def call(self, x, training=False):
        if training:
            magnitude = ops.mean(ops.abs(x), axis=(0, 1, 2))
            self.moving_magnitude.assign(self.momentum * self.moving_magnitude + (1.0 - self.momentum) * magnitude)
        return x * self.gamma * self.alpha


class ResidualStage(layers.Layer):
    def __init__(self, filters, depth=2, **kwargs):
        super().__init__(**kwargs)
        self.blocks = []
        for i in range(depth):
            activation = "relu" if i < depth - 1 else "linear"
            self.blocks.append(ConvBN(filters, 3, activation=activation, name=f"conv_bn_{i}"))
        self.scale = ResidualScale()

    def call(self, inputs, training=None):
        x = inputs
        for block in self.blocks:
            x = block(x, training=training)
        return ops.relu(inputs + self.scale(x, training=training))


model = keras.Sequential(
    [
        keras.Input(shape=(16, 16, 3)),
        ConvBN(8, 3, strides=2, name="stem"),
        ResidualStage(8, depth=2, name="stage1"),
        ResidualStage(8, depth=3, name="stage2"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(4, activation="softmax"),
    ],
    name="residual_scale_net",
)
