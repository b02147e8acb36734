# Transfer learning as tutorials write it: a pretrained-style base frozen with `base.trainable = False`, its last
# layers unfrozen again in a loop, a layer made with `trainable=False`, BatchNormalization's moving statistics,
# a LoRA Dense (its kernel frozen), a custom layer with a non-trainable weight, and a Bidirectional made with
# trainable=False (a model holding it still trains the LSTMs it wraps). Keras's trainable and non-trainable counts.
import keras
from keras import layers


class Counter(layers.Layer):
    """Scales its input by a learned gain, and keeps a non-trainable step count and running mean."""

    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")
        self.steps = self.add_weight(shape=(), initializer="zeros", trainable=False, name="steps")
        self.running = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False, name="running")

    def call(self, x):
        return x * self.gain


sequence = keras.Input((7, 5), name="sequence")
h = layers.Bidirectional(layers.LSTM(6), trainable=False, name="frozen_bi")(sequence)
h = Counter(name="counter")(h)
recurrent = keras.Model(sequence, layers.Dense(2, name="logits")(h), name="recurrent")

base = keras.Sequential(
    [
        keras.Input((12,)),
        layers.Dense(16, name="base_dense"),
        layers.BatchNormalization(name="base_bn"),
        layers.Activation("relu"),
        layers.Dense(8, name="base_top"),
        layers.BatchNormalization(name="base_top_bn"),
    ],
    name="base",
)
base.trainable = False
for layer in base.layers[-2:]:
    layer.trainable = True

features = keras.Input((12,), name="features")
x = base(features)
x = layers.Dense(8, trainable=False, name="fixed_projection")(x)
x = layers.BatchNormalization(name="head_bn")(x)
x = layers.Dense(4, lora_rank=2, name="lora_head")(x)
outputs = layers.Dense(3, activation="softmax", name="classes")(x)
model = keras.Model(features, outputs, name="fine_tuned")
