# A mobile-style network: depthwise and separable convolutions.
import keras
from keras import layers

inputs = keras.Input((48, 48, 3))
x = layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = layers.ReLU(6.0)(x)
for filters, stride in [(16, 1), (24, 2), (32, 2)]:
    x = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU(6.0)(x)
    x = layers.Conv2D(filters, 1, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
x = layers.SeparableConv2D(48, 3, padding="same", activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(5)(x)
mobile = keras.Model(inputs, outputs, name="mobile")
