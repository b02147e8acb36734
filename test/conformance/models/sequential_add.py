# A Sequential model built with .add, its input given by input_shape on the first layer.
import keras
from keras import layers

model = keras.Sequential(name="mlp")
model.add(layers.Dense(32, activation="relu", input_shape=(20,)))
model.add(layers.Dropout(0.2))
model.add(layers.Dense(16, activation="tanh"))
model.add(layers.LayerNormalization())
model.add(layers.Dense(2, activation="softmax"))
