# A model with two inputs and two outputs: an image and metadata, a class and a score.
import keras
from keras import layers

image = keras.Input((24, 24, 3), name="image")
metadata = keras.Input((5,), name="metadata")
x = layers.Conv2D(8, 3, activation="relu")(image)
x = layers.AveragePooling2D(2)(x)
x = layers.Flatten()(x)
m = layers.Dense(8, activation="relu")(metadata)
joined = layers.Concatenate()([x, m])
hidden = layers.Dense(16, activation="relu")(joined)
category = layers.Dense(4, activation="softmax", name="category")(hidden)
score = layers.Dense(1, name="score")(hidden)
model = keras.Model(inputs=[image, metadata], outputs=[category, score], name="multi_io")
