# A U-Net: an encoder, a decoder with transposed convolutions, and skip concatenations.
import keras
from keras import layers

inputs = keras.Input((64, 64, 1))
skips = []
x = inputs
for filters in [8, 16, 32]:
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    skips.append(x)
    x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
for filters, skip in zip([32, 16, 8], reversed(skips)):
    x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
    x = layers.Concatenate()([x, skip])
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
unet = keras.Model(inputs, outputs, name="unet")
