"""Building blocks shared by the models of this project."""

from keras import layers


def conv_block(x, filters, kernel_size=3):
    x = layers.Conv2D(filters, kernel_size, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def downsample(x):
    return layers.MaxPooling2D()(x)
