# A 1-D convolutional time-series classifier.
import keras
from keras import layers

series = keras.Input(shape=(128, 3))
x = layers.Conv1D(16, 5, padding="causal", activation="relu")(series)
x = layers.BatchNormalization()(x)
x = layers.MaxPooling1D(2)(x)
x = layers.Conv1D(32, 3, dilation_rate=2, activation="relu")(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(16, activation="relu")(x)
outputs = layers.Dense(3, activation="softmax")(x)
model = keras.Model(series, outputs, name="timeseries")
